// Package generator is pspm's library: it turns a portal's repository into a static site.
//
// # The pipeline
//
// Build runs these stages, in this order, each in its own package and each timed:
//
//	config   pspm.yaml -> config.Config, every default applied            (generator/config)
//	load     content/ -> site.Site: walk, split front matter, decode with   (generator/content,
//	         positions, check names, sizes, encodings, Markdown bounds and  generator/meta)
//	         the length of every list (limits.*); index ids, attach
//	         attachments (an allow-list of types, checked by their bytes)
//	         and translations; no symbolic link is followed; item folders
//	         walked on every core; in a Git checkout, through the content   (generator/contentcache.go,
//	         cache (.pspm/cache/content.bin, content.Store): a file whose   generator/history)
//	         Git index entry says it is unchanged (history.WorkIndex) is
//	         taken as the last build read it, only the others are read
//	sources  the repositories of other bodies (pspm.yaml sources): fetched (generator/history,
//	         within limits.source_*, into .pspm/sources; shallow when only  generator/sources.go)
//	         their files are read; not at all when their ref has not moved)
//	         and read from their Git objects, never checked out; links in
//	         them are left out;
//	         an agid-plan source is an edition of AgID's plan, parsed      (generator/agid)
//	         from its .rst files into the read-only reference s.AgID
//	model    Resolve: link references, report dangling ones; bound the     (generator/site)
//	         site's distinct tags (limits.tag_pages)
//	history  one walk of the main branch: the commit that cast each vote    (generator/history)
//	         and when it landed (and who landed it), every change to an
//	         item's text, spent votes and signatures (withdrawn versions),
//	         every action's progress over time; cached in
//	         .pspm/cache, so a build after a commit walks that commit and
//	         appends what it changed to the cache (checksummed segments after
//	         a base, the whole rewritten every 65th build; the base decoded
//	         on two cores; only when the site is in a Git repository); a
//	         whole walk (no cache) runs while the content loads
//	anchors  for each comment anchored (paragraph:) to a paragraph that is  (generator/anchors.go,
//	         no longer in its item's text, the paragraph it was about (the   generator/history,
//	         item's file at the comment's commit) and the current one most   generator/markdown)
//	         like it; an anchor its author never saw is the comment's problem
//	versions the approved versions of the plan: every tag matching        (generator/history,
//	         plan.tags, its plan read from the tag's tree with the work      generator/content)
//	         tree's loader (files shared with another version are parsed
//	         once); a moved or deleted published tag is an error; the
//	         draft's replaces: are checked against every version
//	verify   the trust model: whether each vote, comment, amendment and   (generator/trust,
//	         the community's supports (participants: registration, forge
//	         account or keys, community: of the phases) count, and why     generator/signature)
//	         not (votes.policy, signatures, replays,
//	         landing times the maintainers vouch for, phase windows); an
//	         owner's answer to an amendment (its answer.md) counts as a
//	         comment of the owner body and, when it does, sets the
//	         amendment's state; a bad contribution is kept and shown, a
//	         warning in a build and an error in a check; then the moderation
//	         files (content/moderation/) that a member of the plan owner made
//	         apply (Site.Moderate): what they hide is kept, not counted, and
//	         its words are cleared from the model before anything renders
//	derive   Derive: tallies (the community's supports apart), thresholds (generator/site)
//	         reached by community proposals, priorities ranking, progress
//	         roll-ups, lists
//	         by body/status/tag, amendments' status (superseded when the
//	         item changed after them) and tallies; what each version
//	         changed (Diff: on the texts as read, with lineage: renumbered,
//	         merged, split), and
//	         the monitoring of the approved plan (Monitor); after federate,
//	         LinkAgID checks the agid codes against the reference and
//	         lists what serves each AgID objective
//	index    the bleve index of the model, kept in .pspm/cache/search and   (generator/search)
//	         updated document by document (in memory for a site not on disk);
//	         the documents are made, converted and indexed 2,000 at a time
//	         (search.EachDocument, search.BuildEach: the next batch is made
//	         while one is indexed), so no stage holds them all; their plain
//	         texts come from .pspm/cache/plain.bin (search.TextCache): only
//	         new Markdown is converted, and the build writes the texts to the
//	         new file as it takes or converts them, keeping only their
//	         summaries (none when it converts and drops nothing)
//	search   the static search bundle exported from the index; a file      (generator/search)
//	bundle   whose bytes are those of the last build's bundle
//	         (.pspm/cache/bundle.bin) is not compressed again
//	         (search.UpdateBundleTo); the others are compressed on every core
//	         as they are made (internal/deflate), and the next build's cache
//	         is written as they are emitted; exported while the pages
//	         render (up to 20,000 proposals and practices; before them on a
//	         larger site) and kept until the pages are written
//	render   pages (html/template, run by pspm's copy in                (generator/render,
//	         internal/tmpl, through the theme chain), feeds (site,          generator/theme,
//	         sections, bodies, every item), sitemap, open data (members'
//	         addresses only with open_data.personal; never on pages),
//	         static files (CSS and JS minified) and
//	         attachments, then the search bundle                           generator/markdown,
//	                                                                        generator/minify)
//	         in a build that keeps pages, and on a large site (over 20,000
//	         proposals and practices), the HTML of a proposal's or
//	         practice's text is made when a page or feed that shows it is
//	         written (their lists need only the summaries, which the search
//	         stage's parse gave), and kept only until the pages and feeds
//	         counted for it have shown it (an item's feed renders just
//	         after its page): once per build on a site that fits in
//	         memory, once per language on a large one, whose bodies'
//	         feeds render with their items' pages and take it from the memo
//	         (the other feeds of the site make its HTML again); pspm serve renders every text
//	         a build into a folder (BuildDir) of a site on disk keeps the  (generator/pagecache.go,
//	         pages and feeds whose fingerprint did not change: the SHA-256  render/incremental.go)
//	         of the page's view (with the site-wide view; for a feed, its
//	         entries), the layouts, the language's strings, the
//	         configuration and pspm's own binary; a page whose fingerprint
//	         .pspm/cache/pages holds, with the previous build's file still
//	         as written, is neither rendered nor written (output.Dir.Keep).
//	         The pages and feeds of proposals and practices are
//	         fingerprinted before their views, from the model (their input
//	         key: the item, the links it names, the site-wide view, the
//	         versions; render/inputkeys.go), and kept without making them;
//	         so are the pages of lists whose cards are all proposals' and
//	         practices' (the view without its cards, and each card's item
//	         input with its links, made once per item and language).
//	         Other views are made, but for the texts of proposals and
//	         practices (a proposal's with its paragraphs' tools) and the
//	         rows of a body's votes, made when their page or feed is
//	         rendered (lateView), whose fingerprint holds what they are made
//	         from; a card's HTML is made when a page first shows it.
//	         Each dataset of the open data is made once, first, and
//	         written as it is made (a stream, output.Streamer), its task
//	         compressing it for the archive as the bytes go by, in chunks
//	         cut where the data says, each compressed on its own: those of
//	         the previous build (.pspm/cache/chunks.bin, deflate.ChunkCache)
//	         are not compressed again; the archive comes after the pages.
//	         A language's pages and feeds are tasks run on every core, each
//	         let go of as a worker takes it (and with it the views its
//	         functions hold); the sitemap keeps each page's path and date,
//	         and the check that no two files take one path one byte a path
//	         (each path held by a 128-bit key, internal/pathkey, not its
//	         string); the records of the files written and of the pages'
//	         fingerprints go, past 65,536, to a temporary file (spill.go)
//	write    into a temporary folder beside the destination: the whole     (generator/output)
//	         site, swapped in at the end; or, over the previous output,
//	         only the files whose bytes changed (a streamed file is
//	         compared once written), renamed in at the end under a
//	         journal, and the files gone removed; no path is written twice
//	record   last, api/v1/build.json: the commit, tree, history, tags,       (generator/record.go)
//	         sources and configuration built, and every other file's size
//	         and SHA-256; signed (build.json.sig) with Options.Signer
//
// Verify (pspm verify, generator/verify.go) reads a published portal's record, clones its
// repository at the recorded commit with the recorded history and tags (history.CloneAt),
// rebuilds it with each source pinned at its recorded commit, and says what differs.
//
// Release (pspm release) publishes a version: it refuses a work tree that differs from
// HEAD and a name already tagged or published, runs Check, then writes the annotated tag
// with history.CreateTag, signed through signature.Signer; with Restore it re-creates a
// published version's tag from the published versions.json. A version's date is the one
// it was published with (versions.go), so re-making its tag never reorders the versions.
//
// Check runs the same stages but renders only a sample of pages; CheckChanges adds the
// change rules of a merge request, on its net change and under the target's rules
// (generator/review, history.NetChange); Inspect stops
// after derive, for `pspm audit` (Audit).
//
// # The live preview
//
// `pspm serve` (generator/serve) keeps a Session: the same stages up to derive, from the
// files it read before (content.Cache: only what the watcher says changed is read again,
// and only the folders where a file appeared or vanished are walked again, a small one
// alone, and a folder new in or gone from a large one alone once its name is checked; the fresh copies of the files that did not change were made after the rebuild
// before, Cache.Prepare; the theme's strings and templates are read meanwhile,
// render.Begin), then render.Prepare, which makes the views of every language at once and
// lists every file without rendering any (its render.Memo gives back the Markdown whose
// text did not change, finding a text first by where its bytes are, since the content
// cache keeps the same string for a file that did not change; a card is made, or taken
// from the memo by its content, only when a page first shows it, and a list page's view
// only when it renders); a file renders when a browser
// asks for it (Snapshot.File) and is kept until the next rebuild. An edit of only the words of a
// proposal, practice or translation skips the stages: the new words are patched into the
// model in place, under the Session's lock, which every render holds for reading, and
// render.Prepared.Patch makes their Markdown and cards again. That is the one place the
// model changes after Derive. Each rebuild gives a new Snapshot that serve.Site swaps in
// whole once the files have been quiet for the watcher's 40 ms (a rebuild starts after 5 ms
// of quiet, serve.WatchOptions.Early, and is shown only if nothing changed since, so a
// file caught in the middle of a save is never shown); the search index follows in the
// background (Index.Update, Index.Replace), making
// again only the plain texts of the texts that changed; a full update waits until no
// rebuild has run for a moment, so that an author's saves in a row have both cores. Tests check that every file a
// Session serves after any edit is the file a full build writes. The server answers only
// requests whose Host names it (serve.HostGuard), against DNS rebinding.
//
// Data flows one way. Each stage reports the user's problems as positioned diagnostics
// (generator/diag) and keeps them apart from internal errors. A build with content errors
// publishes nothing and leaves the previous output untouched. Both commands set the
// collector the same way (generator/memlimit: a soft memory limit that follows the live
// heap of the last collections, GOGC=400 under it), and so do the benchmarks of pspm serve. pspm build alone also
// holds the bytes it keeps to its end and never changes (texts, reactions' strings, a
// small site's search bundle files) outside the heap (generator/offheap), where they
// cost their size rather than three times it, and a language's cards' HTML in an arena
// there that it gives back once the language's pages are written, as it gives back the
// compressed datasets once the archive is made; what it holds there counts against the
// floor. Above 20,000 cards a language's cards' HTML is held compressed (zstd, the first
// 16 cards rendered as the dictionary) and decompressed by each list that shows it. The
// search bundle holds one term's postings at a time (the fields' dictionaries merged as
// bleve lists them), at most 16 MB of files waiting to be compressed, and none of its
// compressed files: the next build's cache is written as they are emitted. The render lets go of what the end of a build no longer reads: the list of a
// language's tasks as they are taken, the input encodings once the last language read
// them, and holds at most 8 MB of files waiting for the writers. Above 20,000 proposals and
// practices the load holds their texts compressed (site.Item.PackText: the same content
// always packs to the same bytes, which the input keys and the content cache hold); pspm
// build (site.FileTexts) writes them to a temporary file in TMPDIR, removed as soon as it
// is made, and holds only where each is and the SHA-256 its input keys encode (44 bytes
// instead of about 2 KB a text), reading a text back each time a page, a feed or the
// search index asks for it; and
// the search bundle is written as it is exported, before the pages, instead of held
// through them. A site holds every reaction from its load to its last page, so a
// site.Reaction holds in itself only what every reaction has (80 bytes: its voter and
// item key are places in its file's path, its vote a byte); a comment, a signature, the
// file's problems, an amendment or a moderation are in its Extra, nil for most, and every
// reaction not yet judged shares one empty verdict (site.Unjudged). The load lists a
// million files in jobs of 88 bytes and holds what it read of each in a slot of 24 until
// the site is assembled. On a site of more than 250,000 reactions and items each
// language makes the input encodings it reads and lets go of each once read, rather than
// holding the first language's for the last. The files a commit landed together share one site.Origin, never changed once
// made (the trust stage gives a file a retimed copy). Once the model's checks have run, a build lets
// go of the proposals' and practices' key positions (Item.At), which only their messages
// read; pspm serve, which checks every edit again, keeps them. pspm build -v prints the
// largest live heap and what is held outside it; --cpuprofile, --memprofile and --trace
// write a profile of the processor time, of what was allocated, and Go's execution trace
// (with the end of each stage logged), for go tool pprof and go tool trace.
//
// # The demo
//
// The demo portal's files are embedded from content/; its Git history is told over them by
// generator/demo (merge requests, answers, reports, signed versions, a forged vote) and
// written with history.EncodePackedRepository, deterministically. `pspm serve --demo`
// writes that repository into a temporary folder and builds it as any site in Git.
//
// # Adding a kind of plan item
//
// Goals, objectives, expected results and actions are declared once, in site.PlanKinds
// (generator/site/kinds.go): a row gives the kind's section (its folder under content/
// and its URL path), its singular and plural names, its parent's section and the front
// matter key that names the parent, and how a Site holds its items. Loading, indexing,
// parent links and their did-you-mean, plan order, cards, item pages, the page's layout
// (<name>.html), search documents and their anchors walk the table. A new kind is then:
// its struct in model.go (with the PlanItem methods in kinds.go) and its list on Site; a
// row in PlanKinds; its own fields' rules in Resolve; its view and page (render, a
// case in planItemPage and planCard) and its template; its search type (search.Types and
// the i18n key search.type.<name>); its place in the open data. TestEveryPlanKind… checks
// that each kind has a template, names in both languages, a search type and open data.
// Monitoring (site/monitor.go) and the diff of versions (site/diff.go) name their kinds
// themselves, since what they compare differs per kind.
//
// # Rules that hold everywhere
//
//   - One library, one package: goldmark only in markdown, adrg/frontmatter and yaml.v3
//     only in meta, bleve only in search, go-git only in history, OpenPGP and SSH
//     signature libraries only in signature, tdewolff/minify only in minify; they hand
//     out pspm types.
//   - The model is plain data; after Derive it is read-only and shared by the render
//     workers without locks (but for the words a Session patches in, under its lock).
//   - Templates see views (render/views.go), the documented contract of themes.
//   - Output is deterministic: everything is sorted, nothing reads the clock while
//     rendering, and the same commit and config give the same bytes.
//   - Only generator/output writes to disk, but for bleve, which writes its index folder
//     inside the cache folder (.pspm/cache/search), and for history.CreateTag, which
//     writes a tag object and its reference into the Git repository (pspm release): go-git
//     stays in history. No build writes to the repository.
//   - Contributed input is untrusted: it never panics the build, raw HTML never reaches a
//     page, and every parser of it is fuzzed.
//   - A cache never changes the output: a build through the caches of .pspm/cache writes
//     the bytes of a build without them (tests compare both after each kind of merged
//     change). Each cache says which pspm (version, Go, commit) and which configuration
//     wrote it, and is ignored otherwise; a damaged one is ignored whole (its decoder is
//     fuzzed); one committed to the repository is never used, since whoever committed it
//     could have written anything into it.
package generator
