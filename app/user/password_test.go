package user

import (
	"strings"
	"testing"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string with the expected parameters", h)
	}
	h2, _ := HashPassword("s3cret-pass")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		pass string
		ok   bool
	}{{"s3cret-pass", true}, {"s3cret-Pass", false}, {"", false}} {
		ok, err := CheckPassword(h, tc.pass)
		if err != nil || ok != tc.ok {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.pass, ok, err, tc.ok)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=x$salt$hash"} {
		if ok, err := CheckPassword(bad, "x"); ok || err == nil {
			t.Errorf("CheckPassword accepted malformed hash %q", bad)
		}
	}
}

func TestAccountCan(t *testing.T) {
	a := &Account{Permissions: []string{"access admin", "access content"}}
	if !a.Can("access content") || a.Can("administer site") {
		t.Error("Can disagrees with the permission list")
	}
	admin := &Account{IsAdmin: true}
	if !admin.Can("anything at all") {
		t.Error("an admin lacks a permission")
	}
	var none *Account
	if none.Can("access content") {
		t.Error("a nil account holds a permission")
	}
}
