# Sourced by scripts/fdfa and scripts/test: installs the system packages fdfa needs, once.
# Idempotent and quiet when everything is present; needs root (or sudo) only when something is missing.

# libdnnl-dev: oneDNN's sgemm; libzmq3-dev and libssl-dev: the Jupyter kernel's sockets and message signatures; python3-nbformat:
# .ipynb notebooks; Slurm and munge: `fdfa sweep --slurm` and scripts/test-slurm.
fdfa_packages=(libopenblas-dev libdnnl-dev libedit-dev libdeflate-dev libzmq3-dev libssl-dev dataset-fashion-mnist python3-nbformat
               slurmctld slurmd slurm-client munge)
# scripts/test also installs these: Jupyter's client, nbclient and conformance suite (for /usr/bin/python3),
# which the kernel's tests drive it with; rsvg-convert, which checks that fdfa's SVG figures rasterise.
fdfa_test_packages=(python3-jupyter-kernel-test python3-jupyter-client python3-nbclient librsvg2-bin)

# The packages among the arguments that are not installed.
fdfa_missing_packages() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
    done
}

# Installs the packages among the arguments that are missing.
fdfa_install_packages() {
    local missing
    missing=$(fdfa_missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "fdfa: installing system packages: $(echo $missing)" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >&2
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq $missing >&2
}

fdfa_require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "fdfa: no Swift toolchain found (expected 'swift' on PATH or /opt/swift)" >&2
            exit 1
        fi
    fi
}

fdfa_install_packages "${fdfa_packages[@]}"
fdfa_require_swift
