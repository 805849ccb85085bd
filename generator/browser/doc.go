// Package browser holds pspm's end-to-end browser tests: they build the demo portal, serve
// it on a loopback test server and drive a real headless Chromium over every kind of page,
// with axe-core for WCAG 2.1 AA, the keyboard, reflow at 320 CSS pixels, dark mode, page
// weight and the hosts a page talks to; and every page of the demo built from its Git
// history, in both languages, through axe-core and the reflow check at 320 CSS pixels. The
// package has no code of its own.
//
// The tests need Chromium at /usr/bin/chromium and axe-core in .ci/browser/node_modules
// (`npm ci` in .ci/browser); without them, or with -short, they skip.
package browser
