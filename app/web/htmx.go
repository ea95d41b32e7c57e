package web

// The htmx request and response headers Trovato reads and writes, in one place.
const (
	HXRequest  = "HX-Request"
	HXBoosted  = "HX-Boosted"
	HXTarget   = "HX-Target"
	HXTrigger  = "HX-Trigger"
	HXRedirect = "HX-Redirect"
	HXPushURL  = "HX-Push-Url"
	// CSRFHeader carries the CSRF token on htmx requests (set by static/js/trovato.js).
	CSRFHeader = "X-CSRF-Token"
	// CSRFField is the hidden input carrying the CSRF token in every form.
	CSRFField = "csrf_token"
)
