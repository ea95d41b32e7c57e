package web

// ForgetAnonymous drops this node's cached anonymous account, so a change
// to the anonymous role's permissions applies from the next request here.
// Other nodes pick it up when their copy expires (anonymousTTL, 10 s).
func (s *Sessions) ForgetAnonymous() {
	s.anonMu.Lock()
	defer s.anonMu.Unlock()
	s.anon = nil
}
