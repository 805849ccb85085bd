// live.js is the live reload client of `pspm serve`, which adds it to every page it serves;
// a built site never carries it. After a good rebuild the page reloads at the place it was
// scrolled to; after a failed one it shows the build's problems over the page, until a good
// build reloads it.
//
// The overlay is built with createElement and textContent only: problems quote content
// files, which must never be read as HTML. Its styles are set through element.style, which
// the site's Content-Security-Policy (style-src 'self') allows, unlike style attributes and
// <style> elements; they are !important, so that the page's own CSS cannot hide it.
(() => {
	'use strict';

	const prefix = '/_pspm/';
	const scrollKey = 'pspm-live-scroll:' + location.pathname + location.search;

	// Go back to where the page was scrolled before a reload, once it is laid out.
	let saved = null;
	try {
		saved = sessionStorage.getItem(scrollKey);
	} catch (e) {
		// No storage (disabled, or a sandboxed frame): the page reloads at its top.
	}
	if (saved !== null) {
		const restore = () => {
			try {
				sessionStorage.removeItem(scrollKey);
			} catch (e) {
				// As above.
			}
			let pos = null;
			try {
				pos = JSON.parse(saved);
			} catch (e) {
				return;
			}
			if (pos && Number.isFinite(pos.x) && Number.isFinite(pos.y)) {
				window.scrollTo(pos.x, pos.y);
			}
		};
		if (document.readyState === 'complete') {
			restore();
		} else {
			window.addEventListener('load', restore, {once: true});
		}
	}

	if (!('EventSource' in window)) {
		return;
	}

	// The overlay's colours: white on dark red and dark red on white, both 10:1.
	const red = '#8b0000';
	const white = '#fff';
	const sans = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

	// css sets styles on el, winning over any rule of the page, except text spacing: a
	// reader's own stylesheet may widen it (WCAG 1.4.12).
	const spacing = ['line-height', 'letter-spacing', 'word-spacing'];
	const css = (el, styles) => {
		for (const name of Object.keys(styles)) {
			el.style.setProperty(name, styles[name], spacing.includes(name) ? '' : 'important');
		}
		return el;
	};

	// reset is what every element of the overlay starts from, whatever the page's CSS says
	// about divs, lists or buttons. Text is never smaller than 16px, nor than the reader's
	// choice, whatever size the page gives its root.
	const reset = {
		'display': 'block', 'position': 'static', 'float': 'none', 'box-sizing': 'border-box',
		'width': 'auto', 'height': 'auto', 'min-width': '0', 'max-width': 'none', 'min-height': '0',
		'margin': '0', 'padding': '0', 'border': '0', 'outline': 'none', 'border-radius': '0',
		'background': white, 'color': red, 'font-family': sans, 'font-size': 'max(1rem, 16px)',
		'font-weight': 'normal', 'font-style': 'normal', 'line-height': '1.5',
		'letter-spacing': 'normal', 'word-spacing': 'normal', 'text-align': 'left',
		'text-transform': 'none', 'text-decoration': 'none', 'text-indent': '0', 'text-shadow': 'none',
		'white-space': 'normal', 'overflow-wrap': 'anywhere', 'visibility': 'visible', 'opacity': '1',
		'transform': 'none', 'filter': 'none', 'clip-path': 'none', 'box-shadow': 'none',
		'list-style': 'none',
	};

	const make = (tag, styles, text) => {
		const el = document.createElement(tag);
		css(el, Object.assign({}, reset, styles));
		if (text !== undefined) {
			el.textContent = text;
		}
		return el;
	};

	// describe writes a problem as a compiler does: file:line:col: message.
	const describe = (p) => {
		let where = typeof p.file === 'string' ? p.file : '';
		if (where !== '' && p.line > 0) {
			where += ':' + p.line;
			if (p.col > 0) {
				where += ':' + p.col;
			}
		}
		return (where !== '' ? where + ': ' : '') + (p.warning ? 'warning: ' : '') + String(p.message);
	};

	let overlay = null;

	const hide = () => {
		if (overlay !== null) {
			overlay.remove();
			overlay = null;
		}
	};

	const show = (problems) => {
		hide();
		const box = make('div', {
			'position': 'fixed', 'top': '0', 'left': '0', 'right': '0', 'z-index': '2147483647',
			'max-height': '80vh', 'overflow': 'auto', 'overscroll-behavior': 'contain',
			'padding': '1rem', 'border-bottom': '4px solid ' + red,
			'box-shadow': '0 4px 16px rgba(0, 0, 0, 0.4)',
		});
		box.id = 'pspm-live-overlay';
		box.lang = 'en';
		box.dir = 'ltr';
		box.setAttribute('role', 'alertdialog');
		box.setAttribute('aria-modal', 'false');
		box.setAttribute('aria-labelledby', 'pspm-live-title');
		box.setAttribute('aria-describedby', 'pspm-live-problems');

		const title = make('h2', {'font-size': 'max(1.25rem, 20px)', 'font-weight': 'bold', 'margin': '0 0 0.5rem'},
			'The site could not be rebuilt');
		title.id = 'pspm-live-title';

		const list = make('ul', {'margin': '0 0 0.75rem'});
		list.id = 'pspm-live-problems';
		for (const p of problems) {
			const item = make('li', {'margin': '0 0 0.5rem'});
			item.appendChild(make('code', {
				'font-family': 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
				'white-space': 'pre-wrap',
			}, describe(p)));
			list.appendChild(item);
		}

		const hint = make('p', {'margin': '0 0 0.75rem'},
			'Fix it and save: this page reloads by itself.');

		const close = make('button', {
			'display': 'inline-block', 'min-height': '44px', 'min-width': '44px',
			'padding': '0.5rem 1rem', 'border': '2px solid ' + red, 'border-radius': '4px',
			'background': red, 'color': white, 'font-weight': 'bold', 'cursor': 'pointer',
		}, 'Close');
		close.type = 'button';
		close.addEventListener('click', hide);
		close.addEventListener('focus', () => css(close, {'outline': '3px solid #000', 'outline-offset': '2px'}));
		close.addEventListener('blur', () => css(close, {'outline': 'none'}));
		box.addEventListener('keydown', (e) => {
			if (e.key === 'Escape') {
				hide();
			}
		});

		box.append(title, list, hint, close);
		(document.body || document.documentElement).appendChild(box);
		overlay = box;
	};

	let source = null;
	let reloading = false;

	// reload reloads the page, to come back where it is scrolled to.
	const reload = () => {
		reloading = true;
		source.close();
		try {
			sessionStorage.setItem(scrollKey, JSON.stringify({x: window.scrollX, y: window.scrollY}));
		} catch (e) {
			// As above.
		}
		location.reload();
	};

	const data = (e) => {
		try {
			const d = JSON.parse(e.data);
			return d !== null && typeof d === 'object' ? d : null;
		} catch (err) {
			return null;
		}
	};
	const problemsOf = (d) => (Array.isArray(d.problems) ? d.problems.filter((p) => p !== null && typeof p === 'object') : []);

	// helloGen is the generation told by this page's previous hello: a later hello with
	// another one means that the page missed a reload while it was disconnected, or that the
	// server restarted.
	let helloGen = null;
	let delay = 1000;

	const connect = () => {
		const es = new EventSource(prefix + 'events');
		source = es;
		es.addEventListener('open', () => {
			delay = 1000;
		});
		es.addEventListener('hello', (e) => {
			const d = data(e);
			if (d === null || reloading) {
				return;
			}
			const problems = problemsOf(d);
			const stale = helloGen !== null && d.gen !== helloGen;
			helloGen = d.gen;
			if (problems.length > 0) {
				show(problems);
			} else if (stale) {
				reload();
			}
		});
		es.addEventListener('reload', () => {
			if (!reloading) {
				reload();
			}
		});
		es.addEventListener('problems', (e) => {
			const d = data(e);
			const problems = d === null ? [] : problemsOf(d);
			if (problems.length > 0 && !reloading) {
				show(problems);
			}
		});
		es.addEventListener('error', () => {
			// The browser reconnects by itself when a stream breaks, but gives up when the
			// server refuses one (503: too many tabs, or it is stopping): try again later.
			if (es.readyState === EventSource.CLOSED && !reloading) {
				setTimeout(connect, delay);
				delay = Math.min(delay * 2, 30000);
			}
		});
	};
	connect();
})();
