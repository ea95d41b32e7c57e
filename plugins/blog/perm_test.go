package main

import "testing"

func TestPerms(t *testing.T) {
	got, err := perms()
	if err != nil || len(got) != 1 || got[0].Name != PermPromote || got[0].Title == "" {
		t.Fatalf("perms() = %+v, %v; want the %q permission with a title", got, err, PermPromote)
	}
}
