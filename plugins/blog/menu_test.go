//go:build !wasip1

package main

import (
	"reflect"
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestMenuDeclaresTheBlogRoutesAndLink(t *testing.T) {
	m, err := menu()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Routes) != 2 || m.Routes[0].Path != "/blog" || m.Routes[0].Callback != "page_blog" || m.Routes[1].Path != "/blog/tag/{tag}" {
		t.Errorf("routes = %+v", m.Routes)
	}
	if len(m.Links) != 1 || m.Links[0].Path != "/blog" || m.Links[0].Menu != "main" {
		t.Errorf("links = %+v", m.Links)
	}
}

func TestBlogPageListsQueriedPosts(t *testing.T) {
	var asked sdk.Query
	sdk.FakeQuery = func(q sdk.Query) ([]sdk.Item, error) {
		asked = q
		return []sdk.Item{
			sdk.FakeItem{ItemID: "id-1", ItemType: "blog", ItemTitle: "First", Fields: map[string][]map[string]any{"field_summary": {{"value": "Sum"}}}},
			sdk.FakeItem{ItemID: "id-2", ItemType: "blog", ItemTitle: "Second"},
		}, nil
	}
	t.Cleanup(func() { sdk.FakeQuery = nil })
	pg, err := blogPage(sdk.PageRequest{Path: "/blog"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(asked.Types, []string{"blog"}) || asked.Limit != recentPosts || asked.Sort[0].Direction != "desc" {
		t.Errorf("query = %+v", asked)
	}
	list := pg.Content.Children[0]
	if list.Type != sdk.TypeList || len(list.Children) != 2 {
		t.Fatalf("content = %+v", pg.Content)
	}
	first := list.Children[0].Children
	if first[0].Href != "/item/id-1" || first[0].Text != "First" || first[1].Text != "Sum" {
		t.Errorf("first row = %+v", first)
	}
	if len(list.Children[1].Children) != 1 {
		t.Errorf("a post without summary shows only its title: %+v", list.Children[1])
	}
}

func TestTagPageFiltersByTheKeyword(t *testing.T) {
	var asked sdk.Query
	sdk.FakeQuery = func(q sdk.Query) ([]sdk.Item, error) { asked = q; return nil, nil }
	t.Cleanup(func() { sdk.FakeQuery = nil })
	pg, err := tagPage(sdk.PageRequest{Args: map[string]string{"tag": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked.Filters) != 1 || asked.Filters[0].Field != "field_tags_text" || asked.Filters[0].Value != "go" {
		t.Errorf("filters = %+v", asked.Filters)
	}
	if pg.Title != "Blog posts about go" || pg.Content.Children[0].Text != "No blog posts about go yet." {
		t.Errorf("page = %+v", pg)
	}
}

func TestPreprocessAddsAReadingTimeToFullPosts(t *testing.T) {
	post := sdk.FakeItem{ItemType: "blog", ItemTitle: "Hello", Fields: map[string][]map[string]any{"field_summary": {{"value": "a few words"}}}}
	add, err := preprocess(sdk.PreprocessInput{Element: "item", Suggestions: []string{"item__blog", "item__blog__full"}, Item: post})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(add.Classes, []string{"blog--reading-time"}) || add.Attributes["data-reading-minutes"] != "1" ||
		len(add.Children) != 1 || add.Children[0].Text != "1 min read" {
		t.Errorf("additions = %+v", add)
	}
	add, _ = preprocess(sdk.PreprocessInput{Element: "item", Suggestions: []string{"item__blog", "item__blog__teaser"}, Item: post})
	if len(add.Classes)+len(add.Children) != 0 {
		t.Errorf("teasers get nothing, got %+v", add)
	}
}
