package sdk

import "testing"

// BenchmarkServeFormAlter is the guest's share of a form_alter call, run
// natively: decode a form, change a label, encode it.
func BenchmarkServeFormAlter(b *testing.B) {
	in := appendFormWire(nil, everyMember())
	var buf []byte
	for b.Loop() {
		buf = serveFormAlter(buf[:0], in, nil, func(f *Form) error {
			f.Elements[0].Label = "x"
			f.Move("body", "title")
			return nil
		})
	}
	b.SetBytes(int64(len(in)))
}
