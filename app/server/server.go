package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	redisstorage "github.com/gofiber/storage/redis/v3"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/trovato/trovato/app/auth"
	"github.com/trovato/trovato/app/block"
	"github.com/trovato/trovato/app/cache"
	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/extend"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/jobs"
	"github.com/trovato/trovato/app/metrics"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/plugin"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	defaulttheme "github.com/trovato/trovato/themes/default"
)

// Server is a wired Trovato instance.
type Server struct {
	App     *fiber.App
	Pool    *pgxpool.Pool
	Redis   *redis.Client // nil when REDIS_URL is empty
	Plugins *plugin.Host
	Items   *item.Service
	// FormStates keeps form state for AJAX rebuilds; expired states are
	// deleted by a background cleanup.
	FormStates *form.StateStore
	Users      *user.Store
	Gather     *gather.Service
	Stages     *stage.Service
	// Blocks holds the block placements of the theme's regions.
	Blocks *block.Service
	// Categories is the one category service: the admin pages and the
	// category_reference field type (free tagging creates terms) share it
	// and its hooks (category_term_* taps).
	Categories *category.Service
	Metrics    *metrics.Metrics
	// Jobs is the job queue (River): cron, the kernel's periodic tasks and
	// plugin queues. Listen starts it; `trovato cron` runs a pass directly.
	Jobs *jobs.Runner
	// Cache is the tagged cache (Redis when configured, else in process);
	// item saves invalidate item:ID and type:X.
	Cache *cache.Cache
	Log   *slog.Logger
	cfg   Config
}

// New connects to Postgres (and Redis when configured), loads the plugins,
// registers the content types they define, loads the listings, and builds
// the fiber app. A plugin that fails to load does not stop the server; it
// is reported by /health. The schema must already be migrated.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, Log: log}
	pool, err := pg.Connect(ctx, cfg.DatabaseURL, func(c *pgxpool.Config) {
		c.ConnConfig.Tracer = metrics.QueryTracer{}
	})
	if err != nil {
		return nil, err
	}
	s.Pool = pool
	var sessionStorage fiber.Storage // nil: fiber's in-process memory store
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			s.Close(ctx)
			return nil, fmt.Errorf("parse REDIS_URL: %w", err)
		}
		s.Redis = redis.NewClient(opts)
		if err := s.Redis.Ping(ctx).Err(); err != nil {
			s.Close(ctx)
			return nil, fmt.Errorf("connect to Redis at %s (set REDIS_URL, or leave it empty for a single node): %w", opts.Addr, err)
		}
		sessionStorage = redisstorage.NewFromConnection(s.Redis)
	}
	s.Metrics = metrics.New(pool)
	cacheDir, err := cfg.cacheDir()
	if err != nil {
		s.Close(ctx)
		return nil, err
	}
	tapTimeouts, callTimeout, err := plugin.ParseTapTimeouts(cfg.TapTimeouts)
	if err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("TROVATO_TAP_TIMEOUTS: %w", err)
	}
	if callTimeout == 0 {
		callTimeout = cfg.CallTimeout
	}
	s.Plugins, err = plugin.Open(ctx, plugin.Config{
		Dir: cfg.PluginsDir, CacheDir: cacheDir, CallTimeout: callTimeout, TapTimeouts: tapTimeouts,
		Logger: log, Observe: s.Metrics.ObserveTap,
	})
	if err != nil {
		s.Close(ctx)
		return nil, fmt.Errorf("start plugin host: %w", err)
	}
	s.Cache = cache.New(s.Redis)
	if err := s.startJobs(); err != nil { // jobs.go
		s.Close(ctx)
		return nil, err
	}
	// Stored enabled flags (plugin_status): disabled plugins stay off, new
	// ones are installed and enabled (their tables created first).
	s.Plugins.UseDatabase(pool)
	if err := s.Plugins.UseStore(ctx, extend.NewStore(pool)); err != nil {
		s.Close(ctx)
		return nil, err
	}
	s.Users = user.NewStore(pool)
	s.Users.SetEvents(s.UserEvents())
	s.Categories = category.NewService(pool)
	s.Categories.SetHooks(s.categoryHooks())
	fields := field.NewRegistry()
	if err := fields.Register(category.NewFieldType(s.Categories)); err != nil {
		s.Close(ctx)
		return nil, err
	}
	s.Items = item.NewService(pool, fields, s.Users)
	s.Items.SetHooks(s.itemHooks())
	s.FormStates = form.NewStateStore(pool)
	s.Gather = gather.NewService(pool)
	s.Gather.UseColumnQueue(s.Jobs)
	s.Stages = stage.NewService(pool, s.Items)
	s.Stages.SetPublishItemDelay(cfg.PublishItemDelay)
	s.Stages.SetVeto(s.stagePublishVeto)
	s.Stages.SetCategories(s.Categories) // category_term_* taps for terms a publish makes Live
	s.Plugins.SetItemQuerier(s.queryItems)
	if err := s.registerPluginTypes(ctx); err != nil {
		s.Close(ctx)
		return nil, err
	}
	if err := s.Gather.Reload(ctx); err != nil {
		log.Warn("listings", "error", err)
	}
	th := defaulttheme.Theme{}
	s.Blocks = block.NewService(pool, th)
	if err := s.Blocks.Reload(ctx); err != nil {
		log.Warn("blocks", "error", err)
	}
	pages := &web.Pages{
		Sessions: web.NewSessions(sessionStorage, s.Users, cfg.SecureCookie),
		Theme:    th,
		SiteName: cfg.SiteName,
		Log:      log,
		Menu:     s.menuLinks,
	}
	s.App = fiber.New(fiber.Config{
		AppName:               "Trovato",
		ErrorHandler:          pages.ErrorHandler(),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		BodyLimit:             8 << 20,
	})
	s.routes(pages)
	return s, nil
}

// registerPluginTypes saves the content types plugins define through
// tap_item_info.
func (s *Server) registerPluginTypes(ctx context.Context) error {
	for _, t := range s.Plugins.ItemInfo(ctx) {
		def := item.Type{Type: t.Type, Label: t.Label, Description: t.Description, TitleLabel: t.TitleLabel, Plugin: t.Plugin}
		for _, f := range t.Fields {
			def.Fields = append(def.Fields, field.Def{Name: f.Name, Type: f.Type, Label: f.Label, Description: f.Description,
				Required: f.Required, Cardinality: f.Cardinality, Settings: f.Settings})
		}
		if err := s.Items.RegisterPluginType(ctx, def); err != nil {
			return fmt.Errorf("register content type %s from plugin %s: %w", t.Type, t.Plugin, err)
		}
	}
	return nil
}

// alterForm lets plugins alter a form (tap_form_alter); a plugin whose
// alteration fails is logged by the host and its change discarded.
func (s *Server) alterForm(ctx context.Context, f *form.Form) {
	start := time.Now()
	s.Plugins.FormAlter(ctx, f)
	metrics.AddTaps(ctx, time.Since(start))
}

// typePermissions lists the generated permissions of every content type
// for the permissions matrix.
func (s *Server) typePermissions(ctx context.Context) []user.Permission {
	types, err := s.Items.Types(ctx)
	if err != nil {
		s.Log.Error("list content types for permissions", "error", err)
		return nil
	}
	var out []user.Permission
	for _, t := range types {
		out = append(out, item.TypePermissions(t)...)
	}
	return out
}

// itemGrants adapts the plugin host's tap_item_access to the item package.
func (s *Server) itemGrants(ctx context.Context, op string, it *item.Item, acct *user.Account) item.Grant {
	start := time.Now()
	defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
	switch s.Plugins.ItemAccess(ctx, op, pluginItem(it), it.AuthorID.String(), plugin.AccessAccount{
		ID: acct.ID.String(), Name: acct.Name, Roles: acct.Roles, Authenticated: acct.IsAuthenticated(),
	}) {
	case plugin.Allow:
		return item.GrantAllow
	case plugin.Deny:
		return item.GrantDeny
	}
	return item.GrantNeutral
}

func pluginItem(it *item.Item) *plugin.Item {
	return &plugin.Item{ID: it.ID.String(), Type: it.Type, Title: it.Title, AuthorName: it.AuthorName,
		Status: it.Status, Created: it.Created, Fields: it.Fields}
}

// viewItem adapts the plugin host's tap_item_view to the item package.
func (s *Server) viewItem(ctx context.Context, it *item.Item, mode string) []json.RawMessage {
	start := time.Now()
	defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
	out := s.Plugins.ItemView(ctx, pluginItem(it), mode)
	els := make([]json.RawMessage, 0, len(out))
	for _, r := range out {
		els = append(els, r.Element)
	}
	return els
}

// itemHooks adapts the plugin host's item lifecycle taps (tap_item_presave,
// tap_item_insert, tap_item_update, tap_item_delete, tap_item_view_alter)
// to the item service.
func (s *Server) itemHooks() item.Hooks {
	event := func(name string) func(context.Context, *item.Item) {
		return func(ctx context.Context, it *item.Item) {
			start := time.Now()
			if err := s.Cache.Invalidate(ctx, cache.ItemTag(it.ID.String()), cache.TypeTag(it.Type)); err != nil {
				s.Log.Warn("cache invalidation after an item save failed", "item", it.ID, "error", err)
			}
			s.Plugins.ItemEvent(ctx, name, itemData(it, false))
			metrics.AddTaps(ctx, time.Since(start))
		}
	}
	return item.Hooks{
		Presave: func(ctx context.Context, it *item.Item) (*item.Changes, error) {
			start := time.Now()
			defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
			ch := s.Plugins.ItemPresave(ctx, itemData(it, true))
			if ch == nil {
				return nil, nil
			}
			return &item.Changes{Title: ch.Title, Fields: item.Values(ch.Fields)}, nil
		},
		Inserted: event(plugin.EventInsert),
		Updated:  event(plugin.EventUpdate),
		Deleted:  event(plugin.EventDelete),
		ViewAlter: func(ctx context.Context, it *item.Item, mode string, el json.RawMessage) json.RawMessage {
			start := time.Now()
			defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
			return s.preprocessItem(ctx, it, mode, s.Plugins.ItemViewAlter(ctx, itemData(it, false), mode, el))
		},
	}
}

// itemData is an item as the lifecycle taps see it.
func itemData(it *item.Item, fields bool) plugin.ItemData {
	d := plugin.ItemData{ID: it.ID.String(), Type: it.Type, Title: it.Title, Status: it.Status}
	if fields {
		d.Fields = it.Fields
	}
	return d
}

// AuthEvents adapts the plugin host's tap_user_login and tap_user_logout
// to the login handlers (auth.Handlers.SetEvents).
func (s *Server) AuthEvents() auth.Events {
	event := func(name string) func(context.Context, *user.Account) {
		return func(ctx context.Context, acct *user.Account) {
			start := time.Now()
			s.Plugins.UserEvent(ctx, name, acct.ID.String(), acct.Name)
			metrics.AddTaps(ctx, time.Since(start))
		}
	}
	return auth.Events{Login: event(plugin.EventLogin), Logout: event(plugin.EventLogout)}
}

// Listen serves until ctx is cancelled, then shuts down gracefully.
func (s *Server) Listen(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.App.Listen(s.cfg.Addr) }()
	// Cron, revision pruning and form state cleanup run as River jobs.
	// Without ctx's cancel: stopJobs stops River gracefully at shutdown.
	if err := s.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		_ = s.App.Shutdown()
		return err
	}
	defer s.stopJobs()
	// Listings saved on other nodes: picked up within 5 s, no restart.
	go s.Gather.Watch(ctx, 5*time.Second, s.Log.Warn)
	go s.Blocks.Watch(ctx, 5*time.Second, s.Log.Warn)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return s.App.ShutdownWithTimeout(10 * time.Second)
	}
}

// Close releases every resource the server holds.
func (s *Server) Close(ctx context.Context) {
	if s.Plugins != nil {
		if err := s.Plugins.Close(ctx); err != nil {
			s.Log.Warn("close plugins", "error", err)
		}
	}
	if s.Redis != nil {
		_ = s.Redis.Close()
	}
	if s.Pool != nil {
		s.Pool.Close()
	}
}

// health is the body of GET /health.
type health struct {
	Status   string         `json:"status"`
	Postgres check          `json:"postgres"`
	Redis    check          `json:"redis"`
	Plugins  []pluginHealth `json:"plugins"`
}

type pluginHealth struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	State     string `json:"state"` // loaded or failed
	Enabled   bool   `json:"enabled"`
	Error     string `json:"error,omitempty"`
	Instances int    `json:"instances"`
	Faults    int64  `json:"faults"`
}

type check struct {
	Status string `json:"status"` // ok, error, not_configured
	Error  string `json:"error,omitempty"`
}

// Health serves GET /health: 200 when Postgres and Redis (if configured)
// answer, 503 otherwise; failed plugins are listed with their reason but do
// not make the site unhealthy.
func (s *Server) Health(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	h := health{Status: "ok", Postgres: check{Status: "ok"}, Redis: check{Status: "not_configured"}, Plugins: []pluginHealth{}}
	for _, p := range s.Plugins.Status() {
		h.Plugins = append(h.Plugins, pluginHealth{Name: p.Name, Version: p.Version, State: p.State, Enabled: p.Enabled, Error: p.Error, Instances: p.Instances, Faults: p.Faults})
	}
	if err := s.Pool.Ping(ctx); err != nil {
		h.Status, h.Postgres = "error", check{Status: "error", Error: err.Error()}
	}
	if s.Redis != nil {
		h.Redis = check{Status: "ok"}
		if err := s.Redis.Ping(ctx).Err(); err != nil {
			h.Status, h.Redis = "error", check{Status: "error", Error: err.Error()}
		}
	}
	status := fiber.StatusOK
	if h.Status != "ok" {
		status = fiber.StatusServiceUnavailable
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(h)
}

// stagePublishVeto calls tap_stage_publish on every plugin implementing
// it, by weight then name, before a publish commits: the input is
// {"stage": id, "label": label, "target": id, "items": [ids]}; a plugin
// vetoes by answering with an error envelope, whose message the editor
// sees. A plugin that traps or times out is logged and does not block.
func (s *Server) stagePublishVeto(ctx context.Context, st *stage.Stage, items []uuid.UUID) error {
	names := s.Plugins.Implements("stage_publish")
	if len(names) == 0 {
		return nil
	}
	input, err := json.Marshal(map[string]any{"stage": st.ID, "label": st.Label, "target": st.Target(), "items": items})
	if err != nil {
		return err
	}
	start := time.Now()
	defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
	for _, name := range names {
		if _, err := s.Plugins.Call(ctx, name, "stage_publish", input, nil); err != nil {
			if errors.Is(err, plugin.ErrTrap) || errors.Is(err, plugin.ErrDeadline) {
				s.Log.Warn("tap_stage_publish failed", "plugin", name, "error", err)
				continue
			}
			return errs.New(errs.Invalid, "Publishing was stopped by plugin %s: %s", name, errs.Public(err))
		}
	}
	return nil
}
