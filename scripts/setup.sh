# Sourced by scripts/fdfa and scripts/test: installs the system packages fdfa needs, once.
# Idempotent and quiet when everything is present; needs root (or sudo) only when something is missing.

fdfa_packages=(libopenblas-dev libedit-dev libdeflate-dev dataset-fashion-mnist python3-nbformat)

fdfa_missing_packages() {
    local p
    for p in "${fdfa_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
    done
}

fdfa_install_packages() {
    local missing
    missing=$(fdfa_missing_packages)
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

fdfa_install_packages
fdfa_require_swift
