# Shared by the test scripts: sourced, not run.
#
# The build goes where `cargo run` puts it (target/ in the checkout), so the daemon you ran
# and the test suite share one build. CI sets CARGO_TARGET_DIR to a cache outside its fresh
# clone instead.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(pwd)/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

# Installs Debian packages that are missing (as root; otherwise says what to install).
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "missing $*: install it with 'sudo apt-get install -y $*'" >&2
    exit 1
  fi
  step "apt-get install $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
