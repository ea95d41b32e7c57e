// Command blog is the reference plugin for the Form API: it defines the
// "blog" item type, renders its summary, and alters the blog item forms
// through tap_form_alter. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o blog.wasm ./plugins/blog
package main

import "github.com/trovato/trovato/plugins/sdk"

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
