//go:build wasip1

package sdk

// ItemAccess is the glue for tap_item_access: fn answers whether acct may
// perform op (OpView, OpUpdate, OpDelete) on the item; return Neutral to
// leave the decision to others.
func ItemAccess(p, n uint32, fn func(op string, it AccessItem, acct Account) (AccessResult, error)) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveItemAccess(out, in, handleOf, fn))
}
