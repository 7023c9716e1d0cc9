#!/bin/sh
# Re-vendor NHS.UK frontend into assets/vendor/nhsuk-frontend/.
#
# Usage:  cd assets && ./update-vendor.sh
#         (after changing the pinned version: npm install --save-exact nhsuk-frontend@X.Y.Z)
#
# What it does:
#   1. `npm ci` here (installs exactly what package-lock.json pins).
#   2. Copies the compiled, minified CSS and JS, the images/manifest the CSS and
#      page templates refer to, and the licence into vendor/nhsuk-frontend/,
#      keeping the package's own layout (dist/nhsuk/X -> vendor/nhsuk-frontend/X).
#   3. Rewrites the CSS's absolute url(/assets/images/...) references to
#      relative url(assets/images/...), so they resolve next to the stylesheet
#      wherever the server mounts it (/assets/vendor/nhsuk-frontend/...).
#   4. Drops the Frutiger @font-face rules, which load the licensed webfont from
#      assets.nhs.uk (a third-party host; licensed for registered NHS
#      organisations only). Text falls back to Arial, the NHS.UK fallback font.
#      Set KEEP_FRUTIGER=1 to keep them.
#   5. Checks that every url() left in the CSS exists in the vendored folder,
#      and removes node_modules/ so nothing but the vendored files is embedded.
set -eu

cd "$(dirname "$0")"

npm ci --no-audit --no-fund

pkg=node_modules/nhsuk-frontend
src=$pkg/dist/nhsuk
dest=vendor/nhsuk-frontend
version=$(node -p "require('./$pkg/package.json').version")

rm -rf "$dest"
mkdir -p "$dest/assets"

# JS: an ES module (use <script type="module">); source map comment dropped
# because the map is not vendored.
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$src/nhsuk-frontend.min.js" > "$dest/nhsuk-frontend.min.js"

# CSS
css_filter='s|url(/assets/images/|url(assets/images/|g; s|/\*# sourceMappingURL=[^*]*\*/||'
if [ "${KEEP_FRUTIGER:-0}" = 1 ]; then
  sed -e "$css_filter" "$src/nhsuk-frontend.min.css" > "$dest/nhsuk-frontend.min.css"
else
  sed -e "$css_filter" -e 's|@font-face{[^}]*assets\.nhs\.uk[^}]*}||g' \
    "$src/nhsuk-frontend.min.css" > "$dest/nhsuk-frontend.min.css"
fi

# Images (icons used by the CSS, favicons, logos) and the web app manifest.
cp -R "$src/assets/images" "$dest/assets/images"
cp "$src/assets/manifest.json" "$dest/assets/manifest.json"

# Licence: the npm package does not ship one; its package.json says MIT and
# the upstream repository's LICENSE is reproduced here.
if [ -f "$pkg/LICENSE" ]; then
  cp "$pkg/LICENSE" "$dest/LICENSE"
else
  cat > "$dest/LICENSE" <<'EOF'
MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi
printf '%s\n' "$version" > "$dest/VERSION"

# Every url() in the CSS must be vendored (or be a data: URI / remote font
# kept on purpose with KEEP_FRUTIGER=1).
missing=0
for ref in $(grep -o 'url([^)]*)' "$dest/nhsuk-frontend.min.css" | sed -e 's/^url(//; s/)$//; s/^["'\'']//; s/["'\'']$//' | sort -u); do
  case "$ref" in
    data:*) ;;
    https://assets.nhs.uk/fonts/*) [ "${KEEP_FRUTIGER:-0}" = 1 ] || { echo "unexpected remote url: $ref" >&2; missing=1; } ;;
    *://*|/*) echo "unexpected absolute url: $ref" >&2; missing=1 ;;
    *) [ -f "$dest/$ref" ] || { echo "missing: $dest/$ref" >&2; missing=1; } ;;
  esac
done
[ "$missing" = 0 ] || { echo "update-vendor.sh: unresolved url() references" >&2; exit 1; }

rm -rf node_modules
echo "Vendored nhsuk-frontend $version into assets/$dest"
