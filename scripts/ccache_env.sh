# Sourced by scripts/build.sh and scripts/test.sh: lets ccache cache what the build compiles.
# The build uses precompiled headers; without these sloppiness settings ccache refuses every
# translation unit that uses one ("could not use precompiled header"), so a second build of the
# same tree, or a clone in another folder, compiled everything again. base_dir and no hash of
# the working directory let clones in different folders share entries.
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
