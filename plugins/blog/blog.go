// Command blog is the reference plugin: it defines the "blog" item type,
// renders its summary, alters the blog item forms (tap_form_alter), grants
// "edit own blog" (tap_item_access), serves /blog and /blog/tag/{tag}
// (tap_menu, listing posts through the item query host function) and adds
// a reading time to post pages (tap_preprocess). Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o blog.wasm ./plugins/blog
package main

import (
	"strconv"
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

// main does not run in a reactor module; the host calls the taps.
func main() {}

// summaryHelp is the help text the form alteration gives the summary.
const summaryHelp = "Shown in listings and feeds; keep it under 160 characters."

// info defines the blog item type.
func info() ([]sdk.ItemType, error) {
	return []sdk.ItemType{{
		Type:        "blog",
		Label:       "Blog post",
		Description: "A dated entry in a blog.",
		Fields: []sdk.Field{
			{Name: "field_summary", Type: "text", Label: "Summary", Cardinality: 1},
			{Name: "field_tags_text", Type: "text", Label: "Keywords", Cardinality: -1},
		},
	}}, nil
}

// view renders a blog post: a container with class "blog" holding the
// summary, when there is one; teasers also get the title as a heading.
// Items of other types are left alone.
func view(it sdk.Item, mode string) (sdk.Element, error) {
	if it.Type() != "blog" {
		return sdk.Element{}, nil
	}
	var children []sdk.Element
	if mode != "full" {
		if title := it.Title(); title != "" {
			children = append(children, sdk.Heading(2, title).WithClass("blog-title"))
		}
	}
	if sum := it.FieldText("field_summary"); sum != "" {
		children = append(children, sdk.Text(sum).WithClass("blog-summary"))
	}
	return sdk.Container(children...).WithClass("blog"), nil
}

// PermPromote lets a role put blog posts on the front page.
const PermPromote = "promote blog posts"

// perms are the blog's permissions, shown in the matrix under "blog".
func perms() ([]sdk.Permission, error) {
	return []sdk.Permission{{
		Name:        PermPromote,
		Title:       "Promote blog posts to the front page",
		Description: "Mark blog posts as promoted, so front-page listings show them.",
	}}, nil
}

// isBlogForm selects the blog item forms; the others are not even decoded.
func isBlogForm(formID string) bool {
	return formID == "item_add_blog" || formID == "item_edit_blog"
}

// alter gives the summary its help text and moves it directly after the
// title. Item forms key a field's elements by the field name: a wrapper
// "field_summary" and delta inputs "field_summary.0.value", or only the
// inputs; the outermost of them is the one changed and moved, whichever
// shape the kernel builds.
func alter(f *sdk.Form) error {
	if !isBlogForm(f.ID) {
		return sdk.ErrUnchanged
	}
	sum := f.FindPrefix("field_summary")
	if sum == nil {
		return sdk.ErrUnchanged
	}
	sum.Description = summaryHelp
	f.Move(sum.Key, "title") // no title element: the summary stays where it is
	return nil
}

// access grants "edit own blog": a logged-in author may update and delete
// their own blog posts even without the role permission; everything else
// is left to the kernel's role permissions.
func access(op string, it sdk.AccessItem, acct sdk.Account) (sdk.AccessResult, error) {
	if it.Type() != "blog" || !acct.Authenticated || acct.ID == "" || it.AuthorID != acct.ID {
		return sdk.Neutral, nil
	}
	if op == sdk.OpUpdate || op == sdk.OpDelete {
		return sdk.Allow, nil
	}
	return sdk.Neutral, nil
}

// menu declares the blog's pages and its link in the main menu.
func menu() (sdk.MenuDef, error) {
	return sdk.MenuDef{
		Routes: []sdk.Route{
			{Path: "/blog", Title: "Blog", Callback: "page_blog"},
			{Path: "/blog/tag/{tag}", Title: "Blog", Callback: "page_blog_tag"},
		},
		Links: []sdk.MenuLink{{Title: "Blog", Path: "/blog", Menu: "main", Weight: 10}},
	}, nil
}

// recentPosts is how many posts a blog page lists.
const recentPosts = 10

// blogPage lists the most recent blog posts the visitor may see.
func blogPage(req sdk.PageRequest) (sdk.Page, error) {
	posts, err := sdk.QueryItems(sdk.Query{
		Types: []string{"blog"},
		Sort:  []sdk.Sort{{Field: "created", Direction: "desc"}},
		Limit: recentPosts,
	})
	if err != nil {
		return sdk.Page{}, err
	}
	return sdk.Page{Content: postList(posts, "No blog posts have been published yet.")}, nil
}

// tagPage lists the recent posts with the keyword in the path.
func tagPage(req sdk.PageRequest) (sdk.Page, error) {
	tag := req.Args["tag"]
	posts, err := sdk.QueryItems(sdk.Query{
		Types:   []string{"blog"},
		Filters: []sdk.Filter{{Field: "field_tags_text", Op: "=", Value: tag}},
		Sort:    []sdk.Sort{{Field: "created", Direction: "desc"}},
		Limit:   recentPosts,
	})
	if err != nil {
		return sdk.Page{}, err
	}
	return sdk.Page{Title: "Blog posts about " + tag, Content: postList(posts, "No blog posts about "+tag+" yet.")}, nil
}

// postList renders posts as a list of linked titles with their summaries.
func postList(posts []sdk.Item, empty string) sdk.Element {
	if len(posts) == 0 {
		return sdk.Container(sdk.Text(empty).WithClass("blog-empty")).WithClass("blog-list")
	}
	rows := make([]sdk.Element, 0, len(posts))
	for _, it := range posts {
		row := []sdk.Element{sdk.Link(it.Title(), "/item/"+it.ID()).WithClass("blog-list-title")}
		if sum := it.FieldText("field_summary"); sum != "" {
			row = append(row, sdk.Text(sum).WithClass("blog-summary"))
		}
		rows = append(rows, sdk.Container(row...).WithClass("blog-list-item"))
	}
	return sdk.Container(sdk.List(rows...)).WithClass("blog-list")
}

// wordsPerMinute is the reading speed the reading time assumes.
const wordsPerMinute = 200

// preprocess adds a reading time to full blog post displays: a class on
// the item, a data attribute and a short text child.
func preprocess(in sdk.PreprocessInput) (sdk.Additions, error) {
	if in.Element != "item" || !in.Suggests("item__blog__full") || in.Item == nil {
		return sdk.Additions{}, nil
	}
	words := len(strings.Fields(in.Item.Title())) + len(strings.Fields(in.Item.FieldText("field_summary")))
	minutes := max(1, (words+wordsPerMinute-1)/wordsPerMinute)
	return sdk.Additions{
		Classes:    []string{"blog--reading-time"},
		Attributes: map[string]string{"data-reading-minutes": strconv.Itoa(minutes)},
		Children:   []sdk.Element{sdk.Text(strconv.Itoa(minutes) + " min read").WithClass("blog-reading-time")},
	}, nil
}
