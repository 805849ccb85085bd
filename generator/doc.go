// Package generator is pspm's library: it turns a portal's repository into a static site.
//
// # The pipeline
//
// Build runs these stages, in this order, each in its own package and each timed:
//
//	config   pspm.yaml -> config.Config, every default applied            (generator/config)
//	load     content/ -> site.Site: walk, split front matter, decode with   (generator/content,
//	         positions, check names, sizes, encodings and Markdown bounds;  generator/meta)
//	         index ids, attach attachments and translations
//	model    Resolve: link references, report dangling ones                (generator/site)
//	history  one walk of the main branch: the commit that cast each vote    (generator/history)
//	         and when it landed (only when the site is in a Git repository)
//	derive   Derive: tallies, progress roll-ups, lists by body/status/tag  (generator/site)
//	render   pages (html/template through the theme chain), feeds,          (generator/render,
//	         sitemap, open data, static files and attachments               generator/theme,
//	                                                                        generator/markdown)
//	write    into a temporary folder beside the destination, swapped in     (generator/output)
//	         whole at the end
//
// Data flows one way. Each stage reports the user's problems as positioned diagnostics
// (generator/diag) and keeps them apart from internal errors. A build with content errors
// publishes nothing and leaves the previous output untouched.
//
// # Rules that hold everywhere
//
//   - One library, one package: goldmark only in markdown, adrg/frontmatter and yaml.v3
//     only in meta, bleve only in search, go-git only in history; they hand out pspm types.
//   - The model is plain data; after Derive it is read-only and shared by the render
//     workers without locks.
//   - Templates see views (render/views.go), the documented contract of themes.
//   - Output is deterministic: everything is sorted, nothing reads the clock while
//     rendering, and the same commit and config give the same bytes.
//   - Only generator/output writes to disk.
//   - Contributed input is untrusted: it never panics the build, raw HTML never reaches a
//     page, and every parser of it is fuzzed.
package generator
