package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/trovato/trovato/app/errs"
)

// tap_menu: a plugin declares routes (pages the kernel serves) and menu
// links. The host asks every plugin implementing it when the plugin is
// enabled and at start (UseStore), and keeps the answer with the plugin; a
// disabled plugin's routes stop matching at once because MatchRoute skips
// disabled plugins, and re-enabling asks again. Invalid routes are logged
// and skipped; the others are kept.
//
//	tap_menu       input {}   ok: {"routes":[{"path","title","callback","permission"}],"links":[{"title","path","menu","weight"}]}
//	tap_page_<x>   input {"path","route","args":{…},"query":{…},"account":{…}}   ok: {"title":"…","content":<element>}
const TapMenu = "menu"

// Route is a page a plugin serves.
type Route struct {
	Path       string `json:"path"`       // pattern: literal segments and {name} placeholders
	Title      string `json:"title"`      // page title unless the callback sets one
	Callback   string `json:"callback"`   // the page callback tap, page_<x>, declared in the manifest
	Permission string `json:"permission"` // checked by the kernel; default "access content"
}

// MenuLink is a link a plugin adds to a menu.
type MenuLink struct {
	Plugin string `json:"-"`
	Title  string `json:"title"`
	Path   string `json:"path"`
	Menu   string `json:"menu"` // default "main"
	Weight int    `json:"weight"`
}

// DefaultRoutePermission guards a route that names no permission.
const DefaultRoutePermission = "access content"

// menuDef is one plugin's collected menu.
type menuDef struct {
	routes []route
	links  []MenuLink
}

// route is a validated Route split into segments; a segment "" is a
// placeholder named in names at the same index.
type route struct {
	Route
	segs  []string
	names []string
	fit   uint64 // one bit per segment, 1 for literal: more specific routes win
}

var (
	literalSeg   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	placeholder  = regexp.MustCompile(`^\{([a-z][a-z0-9_]{0,31})\}$`)
	menuNameRe   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	permissionRe = regexp.MustCompile(`^[a-z][a-z0-9 _-]{0,127}$`)
)

// maxRoutes and maxSegments bound what one plugin may declare.
const (
	maxRoutes   = 64
	maxLinks    = 64
	maxSegments = 16
)

// pluginExt is the state of one plugin that tap_menu, the item query and
// the DB API add; it hangs off plugin so the core struct stays small.
type pluginExt struct {
	menu atomic.Pointer[menuDef]
}

// compileRoute validates r for plugin p.
func compileRoute(p *plugin, r Route) (route, error) {
	out := route{Route: r}
	if r.Permission == "" {
		out.Permission = DefaultRoutePermission
	}
	switch {
	case !strings.HasPrefix(r.Path, "/") || r.Path == "/":
		return out, fmt.Errorf("path %q must start with / and name at least one segment", r.Path)
	case strings.TrimSpace(r.Title) == "":
		return out, fmt.Errorf("route %s has no title", r.Path)
	case !strings.HasPrefix(r.Callback, "page_") || !p.taps[r.Callback]:
		return out, fmt.Errorf("route %s: callback %q must be a page_<name> tap declared in plugin.json", r.Path, r.Callback)
	case !permissionRe.MatchString(out.Permission):
		return out, fmt.Errorf("route %s: invalid permission %q", r.Path, out.Permission)
	}
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	if len(segs) > maxSegments {
		return out, fmt.Errorf("route %s has more than %d segments", r.Path, maxSegments)
	}
	out.segs, out.names = make([]string, len(segs)), make([]string, len(segs))
	for i, s := range segs {
		out.fit <<= 1
		if m := placeholder.FindStringSubmatch(s); m != nil {
			if slices.Contains(out.names, m[1]) {
				return out, fmt.Errorf("route %s names {%s} twice", r.Path, m[1])
			}
			out.names[i] = m[1]
			continue
		}
		if !literalSeg.MatchString(s) {
			return out, fmt.Errorf("route %s: invalid segment %q (use a-z, 0-9, - and _, or {name})", r.Path, s)
		}
		out.segs[i] = s
		out.fit |= 1
	}
	if out.names[0] != "" {
		return out, fmt.Errorf("route %s: the first segment must be literal", r.Path)
	}
	return out, nil
}

// collectMenu asks p for its routes and links (tap_menu) and keeps the
// valid ones; a plugin without the tap has an empty menu. A failing tap is
// logged and leaves p without routes.
func (h *Host) collectMenu(ctx context.Context, p *plugin) {
	if !p.taps[TapMenu] {
		p.ext.menu.Store(&menuDef{})
		return
	}
	name := p.manifest.Name
	raw, err := h.call(ctx, p, TapMenu, []byte("{}"), nil)
	var out json.RawMessage
	if err == nil {
		out, err = decodeEnvelope(name, TapMenu, raw)
	}
	var decl struct {
		Routes []Route    `json:"routes"`
		Links  []MenuLink `json:"links"`
	}
	if err == nil && !isNull(out) {
		err = json.Unmarshal(out, &decl)
	}
	if err != nil {
		h.log.WarnContext(ctx, "plugin menu skipped", "plugin", name, "error", err)
		p.ext.menu.Store(&menuDef{})
		return
	}
	def := &menuDef{}
	for i, r := range decl.Routes {
		if i >= maxRoutes {
			h.log.WarnContext(ctx, "plugin declares too many routes; the rest are skipped", "plugin", name, "max", maxRoutes)
			break
		}
		cr, err := compileRoute(p, r)
		if err != nil {
			h.log.WarnContext(ctx, "plugin route skipped", "plugin", name, "error", err)
			continue
		}
		def.routes = append(def.routes, cr)
	}
	for i, l := range decl.Links {
		if i >= maxLinks {
			break
		}
		if l.Menu == "" {
			l.Menu = "main"
		}
		if strings.TrimSpace(l.Title) == "" || !strings.HasPrefix(l.Path, "/") || strings.HasPrefix(l.Path, "//") || !menuNameRe.MatchString(l.Menu) {
			h.log.WarnContext(ctx, "plugin menu link skipped", "plugin", name, "title", l.Title, "path", l.Path)
			continue
		}
		l.Plugin = name
		def.links = append(def.links, l)
	}
	p.ext.menu.Store(def)
}

// RouteMatch is a request path matched to a plugin route.
type RouteMatch struct {
	Plugin string
	Route  Route
	Path   string
	Args   map[string]string
}

// MatchRoute finds the enabled plugin route serving path: the most specific
// pattern (literal segments beat placeholders, left to right), then the
// first plugin by weight and name.
func (h *Host) MatchRoute(path string) (RouteMatch, bool) {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *route
	var bestPlugin string
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.disabled.Load() {
			continue
		}
		def := p.ext.menu.Load()
		if def == nil {
			continue
		}
		for i := range def.routes {
			r := &def.routes[i]
			if len(r.segs) != len(segs) || (best != nil && r.fit <= best.fit) || !r.matches(segs) {
				continue
			}
			best, bestPlugin = r, p.manifest.Name
		}
	}
	if best == nil {
		return RouteMatch{}, false
	}
	m := RouteMatch{Plugin: bestPlugin, Route: best.Route, Path: path, Args: map[string]string{}}
	for i, n := range best.names {
		if n != "" {
			m.Args[n] = segs[i]
		}
	}
	return m, true
}

func (r *route) matches(segs []string) bool {
	for i, s := range segs {
		if r.names[i] != "" {
			if s == "" {
				return false
			}
			continue
		}
		if r.segs[i] != s {
			return false
		}
	}
	return true
}

// Routes lists the routes of the enabled plugins, by plugin order.
func (h *Host) Routes() []RouteMatch {
	var out []RouteMatch
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.disabled.Load() {
			continue
		}
		if def := p.ext.menu.Load(); def != nil {
			for _, r := range def.routes {
				out = append(out, RouteMatch{Plugin: p.manifest.Name, Route: r.Route})
			}
		}
	}
	return out
}

// MenuLinks lists the links of the enabled plugins in menu, by weight then
// title. There is no menu editor yet: themes show the "main" menu.
func (h *Host) MenuLinks(menu string) []MenuLink {
	var out []MenuLink
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.disabled.Load() {
			continue
		}
		if def := p.ext.menu.Load(); def != nil {
			for _, l := range def.links {
				if l.Menu == menu {
					out = append(out, l)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b MenuLink) int {
		if a.Weight != b.Weight {
			return a.Weight - b.Weight
		}
		return strings.Compare(a.Title, b.Title)
	})
	return out
}

// PageResult is a page callback's answer: the title (the route's unless
// the callback set one) and the content element, unchecked plugin output
// the caller decodes and sanitizes.
type PageResult struct {
	Title   string
	Content json.RawMessage
}

// Page calls the page callback of a matched route for acct, with the query
// string values; item queries made by the callback see what viewer may see.
// A disabled plugin's route is NotFound; a failing callback is an error
// (the kernel shows its error page).
func (h *Host) Page(ctx context.Context, m RouteMatch, query map[string]string, acct AccessAccount, viewer Viewer) (PageResult, error) {
	p := h.byName[m.Plugin]
	if p == nil || p.state != StateLoaded || p.disabled.Load() {
		return PageResult{}, errs.New(errs.NotFound, "The requested page could not be found.")
	}
	if query == nil {
		query = map[string]string{}
	}
	if acct.Roles == nil {
		acct.Roles = []string{}
	}
	input, err := json.Marshal(struct {
		Path    string            `json:"path"`
		Route   string            `json:"route"`
		Args    map[string]string `json:"args"`
		Query   map[string]string `json:"query"`
		Account AccessAccount     `json:"account"`
	}{m.Path, m.Route.Path, m.Args, query, acct})
	if err != nil {
		return PageResult{}, errs.Wrap(errs.Internal, err, "encode page request")
	}
	out, err := h.Call(WithViewer(ctx, viewer), m.Plugin, m.Route.Callback, input, nil)
	if err != nil {
		return PageResult{}, err
	}
	var res struct {
		Title   string          `json:"title"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(out, &res); err != nil || isNull(res.Content) {
		return PageResult{}, errs.New(errs.Internal, "plugin %s: page callback %s answered no page", m.Plugin, m.Route.Callback)
	}
	if res.Title == "" {
		res.Title = m.Route.Title
	}
	return PageResult{Title: res.Title, Content: res.Content}, nil
}

// started runs when UseStore has applied the stored flags: every enabled
// plugin's tables are brought up to its declaration (a new version may add
// some) and its menu is collected. Failures are logged; the plugin stays
// enabled without routes or with the tables it has.
func (h *Host) started(ctx context.Context) {
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.disabled.Load() {
			continue
		}
		if err := h.ensureTables(ctx, p); err != nil {
			h.log.ErrorContext(ctx, "plugin tables could not be updated", "plugin", p.manifest.Name, "error", err)
		}
		h.collectMenu(ctx, p)
	}
}
