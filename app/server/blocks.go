package server

import (
	"context"

	"github.com/trovato/trovato/app/block"
	"github.com/trovato/trovato/app/gather"
)

// blockListings adapts Gather's block displays to the block package.
type blockListings struct{ *gather.Blocks }

// Choices implements block.Listings.
func (b blockListings) Choices(ctx context.Context) ([]block.Listing, error) {
	list, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]block.Listing, 0, len(list))
	for _, l := range list {
		out = append(out, block.Listing{Name: l.Name, Label: l.Label})
	}
	return out, nil
}
