package cache_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trovato/trovato/app/cache"
	"github.com/trovato/trovato/app/testenv"
)

// caches returns an in-process cache and one in the test Redis.
func caches(t *testing.T) map[string]*cache.Cache {
	t.Helper()
	opts, err := redis.ParseURL(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis: %v", err)
	}
	return map[string]*cache.Cache{"local": cache.New(nil), "redis": cache.New(rdb)}
}

// unique makes keys and tags unique per run, so runs sharing Redis agree.
func unique() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func TestInvalidateByTag(t *testing.T) {
	ctx := context.Background()
	for name, c := range caches(t) {
		t.Run(name, func(t *testing.T) {
			u := unique()
			item, typ := cache.ItemTag(u), cache.TypeTag("blog"+u)
			if err := c.Set(ctx, "a"+u, []byte("A"), []string{item, typ}, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := c.Set(ctx, "b"+u, []byte("B"), []string{typ}, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := c.Set(ctx, "c"+u, []byte("C"), nil, time.Hour); err != nil {
				t.Fatal(err)
			}
			if v, ok, err := c.Get(ctx, "a"+u); err != nil || !ok || string(v) != "A" {
				t.Fatalf("Get a = %q %v %v", v, ok, err)
			}
			if err := c.Invalidate(ctx, item); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := c.Get(ctx, "a"+u); ok {
				t.Error("a still cached after its item tag was invalidated")
			}
			if v, ok, _ := c.Get(ctx, "b"+u); !ok || string(v) != "B" {
				t.Error("b lost though its tag was not invalidated")
			}
			if err := c.Invalidate(ctx, typ); err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := c.Get(ctx, "b"+u); ok {
				t.Error("b still cached after its type tag was invalidated")
			}
			if v, ok, _ := c.Get(ctx, "c"+u); !ok || string(v) != "C" {
				t.Error("untagged c lost")
			}
			// A value stored after the invalidation is fresh again.
			if err := c.Set(ctx, "a"+u, []byte("A2"), []string{item}, time.Hour); err != nil {
				t.Fatal(err)
			}
			if v, ok, _ := c.Get(ctx, "a"+u); !ok || string(v) != "A2" {
				t.Errorf("re-set a = %q %v", v, ok)
			}
			if _, ok, _ := c.Get(ctx, "missing"+u); ok {
				t.Error("hit on a missing key")
			}
		})
	}
}
