// Package static embeds the CSS, JavaScript and images the site serves
// under /static. htmx is pinned in package.json and copied here by make
// (make check-generated fails when the copy differs).
package static

import "embed"

// Files holds css/ and js/.
//
//go:embed css js
var Files embed.FS
