package render

// CardsMade is how many cards the last Prepare with m rendered, not taking them from m.
func CardsMade(m *Memo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.made
}

// TemplateOf is the template that Prepared p uses for pages of kind in its language i.
func TemplateOf(p *Prepared, i int, kind string) any { return p.rs[i].tmpl[kind] }

// TextsMade is how many texts the last Prepare with m rendered, not taking them from m.
func TextsMade(m *Memo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.md.made + m.an.made
}
