//go:build !wasip1

package sdk

// ItemAccess is the glue for tap_item_access (wasip1 only; test the typed
// function with FakeItem).
func ItemAccess(p, n uint32, fn func(op string, it AccessItem, acct Account) (AccessResult, error)) uint64 {
	panic(nativeGlue)
}
