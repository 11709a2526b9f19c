#!/usr/bin/env bash
# Install what the dashboard's browser test (tests/dashboard) needs, if it is missing:
#   1. Debian's chromium at /usr/bin/chromium (Playwright drives it; `playwright install` downloads are not used);
#   2. Solara's front-end assets (the app's JavaScript and CSS, require.js, Font Awesome) in Solara's local
#      CDN cache, taken from the npm registry with npm, so the dashboard loads without reaching a public CDN.
# Idempotent and quiet: it prints nothing when everything is already there.
# Usage: scripts/install_browser.sh  (PYTHON=path/to/python to use another interpreter than .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "install_browser.sh: need root to apt-get install $*" >&2
        return 1
    fi
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
    echo "install_browser.sh: installing chromium (Debian package)"
    apt_install chromium
fi

# The cache folder and the npm packages (name@version) that the installed Solara's page template and the
# dashboard's grid layout (SolaraViz) load from the CDN.
assets=$("$PYTHON" - <<'EOF' 2>/dev/null || true
import pathlib, re
import ipyvue, solara, solara.server.settings as settings
root = pathlib.Path(solara.__file__).parent
text = (root / "server/templates/solara.html.j2").read_text() + (root / "widgets/vue/gridlayout.vue").read_text()
app = "solara-vuetify3-app" if ipyvue.__version__.startswith("3") else "solara-vuetify-app"
pattern = rf"@widgetti/{app}@[0-9.]+|requirejs@[0-9.]+|@widgetti/vue-grid-layout@[0-9a-z.-]+[0-9]"
specs = set(re.findall(pattern, text)) | {settings.assets.fontawesome_path.strip("/").split("/")[0]}
print(settings.assets.proxy_cache_dir)
print("\n".join(sorted(specs)))
EOF
)
if [ -z "$assets" ]; then
    exit 0  # no Solara in this environment: nothing to serve, nothing to fetch
fi
cache=$(head -n1 <<<"$assets")
missing=()
while read -r spec; do
    [ -d "$cache/$spec" ] || missing+=("$spec")
done < <(tail -n +2 <<<"$assets")
[ ${#missing[@]} -eq 0 ] && exit 0

command -v npm >/dev/null || apt_install npm
echo "install_browser.sh: caching Solara assets ${missing[*]} in $cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in "${missing[@]}"; do
    (cd "$tmp" && npm pack --silent "$spec" >"$tmp/name")
    mkdir -p "$tmp/unpacked" "$(dirname "$cache/$spec")"
    tar -xzf "$tmp/$(cat "$tmp/name")" -C "$tmp/unpacked" --strip-components=1
    mv "$tmp/unpacked" "$cache/$spec"
done
