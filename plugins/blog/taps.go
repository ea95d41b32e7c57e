package main

import "github.com/trovato/trovato/plugins/sdk"

// The exported taps: one line of glue each, typed functions in blog.go.

//go:wasmexport tap_item_info
func tapItemInfo(p, n uint32) uint64 { return sdk.ItemInfo(p, n, info) }

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

//go:wasmexport tap_form_alter
func tapFormAlter(p, n uint32) uint64 { return sdk.FormAlterIf(p, n, isBlogForm, alter) }

//go:wasmexport tap_perm
func tapPerm(p, n uint32) uint64 { return sdk.Perm(p, n, perms) }

//go:wasmexport tap_item_access
func tapItemAccess(p, n uint32) uint64 { return sdk.ItemAccess(p, n, access) }

//go:wasmexport tap_menu
func tapMenu(p, n uint32) uint64 { return sdk.Menu(p, n, menu) }

//go:wasmexport tap_page_blog
func tapPageBlog(p, n uint32) uint64 { return sdk.PageCallback(p, n, blogPage) }

//go:wasmexport tap_page_blog_tag
func tapPageBlogTag(p, n uint32) uint64 { return sdk.PageCallback(p, n, tagPage) }

//go:wasmexport tap_preprocess
func tapPreprocess(p, n uint32) uint64 { return sdk.Preprocess(p, n, preprocess) }
