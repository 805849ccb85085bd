package render

// CardsMade is how many cards the last Prepare with m rendered, not taking them from m.
func CardsMade(m *Memo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.made
}
