#!/usr/bin/env bash
# Installs the Debian packages Tessera builds and tests with, when any is missing.
# Sourced by tools/test and tools/run. Needs root (or sudo) only when something is missing.
TESSERA_PACKAGES=(
  bazel-bootstrap g++ libopenblas-dev googletest libgtest-dev libgmock-dev python3 zlib1g-dev
  libdnnl-dev libzmq3-dev openmpi-bin libopenmpi-dev openssh-client
  dataset-fashion-mnist
  python3-dev pybind11-dev python3-numpy python3-pytest python3-venv python3-pip python3-graphviz
)

tessera_install_deps() {
  local missing=()
  for p in "${TESSERA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "tools: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2 || return 1
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2 || return 1
}
