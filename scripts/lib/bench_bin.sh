# The lifeboat binary a benchmark measures, for every scripts/bench-*.sh that runs one. Source it from the
# repository's root. Sets BIN: LIFEBOAT_BIN when given, else the release build as it is installed (static
# Swift runtime), built or brought up to date first in its own scratch path, .build-release, so it neither
# waits on nor disturbs the debug build in .build. Sets BUILD to say which ("given (PATH)" or "release").
# Exits 1 when the build fails.
if [ -n "${LIFEBOAT_BIN:-}" ]; then
    BIN=$LIFEBOAT_BIN
    BUILD="given ($LIFEBOAT_BIN)"
else
    echo "building release lifeboat in .build-release (reuses an existing build)..." >&2
    swift build -c release --static-swift-stdlib --product lifeboat --scratch-path .build-release >&2 || exit 1
    BIN=$(pwd)/.build-release/release/lifeboat
    BUILD=release
fi
