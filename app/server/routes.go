package server

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/trovato/trovato/app/auth"
	"github.com/trovato/trovato/app/block"
	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/extend"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/people"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/textformat"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/static"
)

// routes is the whole surface of the site: the middleware order, then
// every route. Plugin routes (tap_menu) and listing pages (Gather) claim
// their paths at runtime through the fallbacks at the end.
func (s *Server) routes(pages *web.Pages) {
	app := s.App
	forms := &form.Processor{States: s.FormStates, Hooks: form.Hooks{Alter: s.alterForm, Validate: s.Plugins.FormValidate}}
	items := item.NewHandlers(s.Items, pages, s.viewItem, forms, s.Plugins.FormSubmit, s.itemGrants, s.Log)
	logins := auth.NewHandlers(s.Users, pages)
	logins.SetEvents(s.AuthEvents())
	listings := gather.NewHandlers(s.Gather, pages)
	listings.SetFormAlter(s.alterForm)
	listingAdmin := gather.NewAdmin(s.Gather, pages, forms)
	perms := people.Collect(people.Static(user.SystemPermissions()), s.typePermissions,
		people.Static(textformat.Permissions()), people.Static(extend.Permissions()), people.Static(category.Permissions()), s.Plugins.Permissions)
	cats := category.NewHandlers(s.Categories, pages, forms)
	perms = people.Collect(perms, people.Static(stage.Permissions()), people.Static(block.Permissions()), people.Static(gather.Permissions()))
	accounts := user.NewAdminStore(s.Pool)
	accounts.SetEvents(s.UserEvents())
	users := people.NewHandlers(accounts, pages, forms, perms)
	plugins := extend.NewHandlers(s.Plugins, pages)
	stages := stage.NewHandlers(s.Stages, s.Items, pages, forms)
	pages.StageBar = stages.Bar
	listingBlocks := blockListings{gather.NewBlocks(listings)}
	blocks := block.NewHandlers(s.Blocks, listingBlocks, pages, forms)
	pages.Regions = block.NewRenderer(s.Blocks, listingBlocks, s.Log).Regions

	// Operations and assets: no session, no CSRF.
	app.Use(recover.New(recover.Config{EnableStackTrace: true}))
	app.Use(requestid.New())
	app.Use(s.Metrics.Middleware())
	app.Get("/health", s.Health)
	app.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})))
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.Files), MaxAge: 3600}))

	// Everything else: account (token or session), then CSRF on state changes.
	app.Use(pages.Sessions.Middleware())
	app.Use(pages.Sessions.CSRF())
	// The active stage (session) or a preview link's stage, on the request context.
	app.Use(stages.Middleware)
	app.Use(pluginRequest(web.Account))       // the host API's request scope
	app.Use("/item", category.TaggingContext) // free tagging may create terms on item saves

	// A liveness probe with no I/O: the benchmark ceiling for this stack.
	app.Get("/ping", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/recent-pages", fiber.StatusFound) })
	app.Get("/user/login", logins.LoginForm)
	app.Post("/user/login", logins.Login)
	app.Post("/user/logout", logins.Logout)

	app.Get("/item/autocomplete", items.Autocomplete)
	app.Get("/item/add/:type", items.AddForm)
	app.Post("/item/add/:type", items.Add)
	app.Get("/item/:id", items.View)
	app.Get("/item/:id/edit", items.EditForm)
	app.Post("/item/:id/edit", items.Edit)
	app.Get("/item/:id/revisions", items.Revisions)
	app.Get("/item/:id/revisions/compare", items.RevisionsCompare)
	app.Get("/item/:id/revisions/:rev/revert", items.RevisionRevert)
	app.Post("/item/:id/revisions/:rev/revert", items.RevisionRevert)
	app.Get("/item/:id/delete", items.Delete)
	app.Post("/item/:id/delete", items.Delete)
	app.Delete("/item/:id", items.Delete)

	app.Get("/admin", items.AdminContent)
	app.Get("/admin/content", items.AdminContent)
	app.Post("/admin/content", items.AdminContentBulk)
	app.Post("/admin/content/delete", items.AdminContentDelete)
	app.Get("/admin/structure", items.Structure)
	app.Get("/admin/structure/types", items.Types)
	app.Get("/admin/structure/types/add", items.TypeAddForm)
	app.Post("/admin/structure/types/add", items.TypeAdd)
	app.Get("/admin/structure/types/:type", items.TypeEditForm)
	app.Post("/admin/structure/types/:type", items.TypeEdit)
	app.Get("/admin/structure/types/:type/delete", items.TypeDelete)
	app.Post("/admin/structure/types/:type/delete", items.TypeDelete)
	app.Get("/admin/structure/types/:type/revisions", items.RetentionForm)
	app.Post("/admin/structure/types/:type/revisions", items.Retention)
	app.Get("/admin/structure/types/:type/fields", items.Fields)
	app.Get("/admin/structure/types/:type/fields/add", items.FieldAddForm)
	app.Post("/admin/structure/types/:type/fields/add", items.FieldAdd)
	app.Get("/admin/structure/types/:type/fields/:field", items.FieldEditForm)
	app.Post("/admin/structure/types/:type/fields/:field", items.FieldEdit)
	app.Get("/admin/structure/types/:type/fields/:field/delete", items.FieldDelete)
	app.Post("/admin/structure/types/:type/fields/:field/delete", items.FieldDelete)
	app.Post("/admin/structure/types/:type/fields/:field/move", items.FieldMove)

	app.Get("/admin/structure/categories", cats.Vocabularies)
	app.Get("/admin/structure/categories/add", cats.VocabularyAddForm)
	app.Post("/admin/structure/categories/add", cats.VocabularyAdd)
	app.Get("/admin/structure/categories/:vocab", cats.Terms)
	app.Get("/admin/structure/categories/:vocab/edit", cats.VocabularyEditForm)
	app.Post("/admin/structure/categories/:vocab/edit", cats.VocabularyEdit)
	app.Get("/admin/structure/categories/:vocab/delete", cats.VocabularyDelete)
	app.Post("/admin/structure/categories/:vocab/delete", cats.VocabularyDelete)
	app.Get("/admin/structure/categories/:vocab/add", cats.TermAddForm)
	app.Post("/admin/structure/categories/:vocab/add", cats.TermAdd)
	app.Post("/admin/structure/categories/:vocab/order", cats.SaveOrder)
	app.Get("/category/autocomplete", cats.Autocomplete)
	app.Get("/category/:id", cats.TermPage)
	app.Get("/category/:id/edit", cats.TermEditForm)
	app.Post("/category/:id/edit", cats.TermEdit)
	app.Get("/category/:id/delete", cats.TermDelete)
	app.Post("/category/:id/delete", cats.TermDelete)

	app.Get("/admin/structure/blocks", blocks.List)
	app.Get("/admin/structure/blocks/add", blocks.AddForm)
	app.Post("/admin/structure/blocks/add", blocks.Add)
	app.Post("/admin/structure/blocks/order", blocks.Order)
	app.Get("/admin/structure/blocks/:id/edit", blocks.EditForm)
	app.Post("/admin/structure/blocks/:id/edit", blocks.Edit)
	app.Post("/admin/structure/blocks/:id/toggle", blocks.Toggle)
	app.Get("/admin/structure/blocks/:id/delete", blocks.Delete)
	app.Post("/admin/structure/blocks/:id/delete", blocks.Delete)

	app.Get("/admin/people", users.List)
	app.Get("/admin/people/add", users.AddForm)
	app.Post("/admin/people/add", users.Add)
	app.Get("/admin/people/roles", users.Roles)
	app.Get("/admin/people/roles/add", users.RoleAddForm)
	app.Post("/admin/people/roles/add", users.RoleAdd)
	app.Get("/admin/people/roles/:role", users.RoleEditForm)
	app.Post("/admin/people/roles/:role", users.RoleEdit)
	app.Get("/admin/people/roles/:role/delete", users.RoleDelete)
	app.Post("/admin/people/roles/:role/delete", users.RoleDelete)
	app.Get("/admin/people/permissions", users.Permissions)
	app.Post("/admin/people/permissions", users.SavePermissions)
	app.Post("/admin/people/:id/block", users.Block)
	app.Post("/admin/people/:id/unblock", users.Unblock)
	app.Get("/admin/people/:id/delete", users.DeleteForm)
	app.Post("/admin/people/:id/delete", users.Delete)
	app.Get("/user/:id/edit", users.EditForm)
	app.Post("/user/:id/edit", users.Edit)

	app.Get("/admin/plugins", plugins.List)
	app.Post("/admin/plugins/:name/enable", plugins.Enable)
	app.Post("/admin/plugins/:name/disable", plugins.Disable)
	app.Get("/admin/plugins/:name/uninstall", plugins.Uninstall)
	app.Post("/admin/plugins/:name/uninstall", plugins.Uninstall)

	app.Get("/admin/stages", stages.List)
	app.Post("/admin/stages/switch", stages.Switch)
	app.Get("/admin/stages/add", stages.AddForm)
	app.Post("/admin/stages/add", stages.Add)
	app.Get("/admin/stages/:stage", stages.Review)
	app.Get("/admin/stages/:stage/edit", stages.EditForm)
	app.Post("/admin/stages/:stage/edit", stages.Edit)
	app.Get("/admin/stages/:stage/delete", stages.Delete)
	app.Post("/admin/stages/:stage/delete", stages.Delete)
	app.Post("/admin/stages/:stage/publish", stages.Publish)
	app.Get("/admin/stages/:stage/discard", stages.Discard)
	app.Post("/admin/stages/:stage/discard", stages.Discard)
	app.Post("/admin/stages/:stage/preview-link", stages.PreviewLink)
	app.Post("/admin/stages/:stage/items/:id/discard", stages.DiscardItem)
	app.Post("/admin/stages/:stage/items/:id/move", stages.MoveItem)
	app.Get("/stage-preview/exit", stages.PreviewExit)
	app.Get("/stage-preview/:token", stages.PreviewOpen)

	app.Get("/admin/gather", listingAdmin.List)
	app.Get("/admin/gather/add", listingAdmin.AddForm)
	app.Post("/admin/gather/add", listingAdmin.Add)
	app.Get("/admin/gather/import", listingAdmin.ImportForm)
	app.Post("/admin/gather/import", listingAdmin.Import)
	app.Post("/admin/gather/preview", listingAdmin.Preview)
	app.Post("/admin/gather/index", listingAdmin.CreateIndex)
	app.Get("/admin/gather/columns", listingAdmin.ColumnsPage)
	app.Get("/admin/gather/:name/edit", listingAdmin.EditForm)
	app.Post("/admin/gather/:name/edit", listingAdmin.Edit)
	app.Get("/admin/gather/:name/export", listingAdmin.Export)
	app.Get("/admin/gather/:name/delete", listingAdmin.Delete)
	app.Post("/admin/gather/:name/delete", listingAdmin.Delete)

	app.Use(s.pluginPages(pages))
	app.Use(listings.Page)
}
