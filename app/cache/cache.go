// Package cache is Trovato's tagged cache: values under string keys, each
// tagged with what it was built from (ItemTag, TypeTag, GatherTag,
// StageTag, or any tag a plugin makes up). Invalidate drops every entry
// carrying one of the tags, the way Drupal's cache tags work: when an item
// is saved the kernel invalidates item:ID and type:X, and every cached
// listing or fragment built from them misses on its next read.
//
// With Redis configured (REDIS_URL) the cache is shared by every node; else
// it lives in the process (a single node), bounded to MaxLocalEntries.
//
// Invalidation is by tag version, not by scanning: each tag has a counter,
// an entry records the counters of its tags when it was stored, and a read
// compares them with the current ones (one MGET). Invalidate is one INCR
// per tag, whatever the number of entries; stale entries simply age out by
// their TTL.
package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The kernel's tags.
func ItemTag(id string) string     { return "item:" + id }
func TypeTag(t string) string      { return "type:" + t }
func GatherTag(name string) string { return "gather:" + name }
func StageTag(s string) string     { return "stage:" + s }

// MaxLocalEntries bounds the in-process cache; past it, Set evicts an
// arbitrary entry.
const MaxLocalEntries = 10000

// Redis key prefixes.
const (
	entryPrefix = "trovato:cache:e:"
	tagPrefix   = "trovato:cache:t:"
)

// Cache is a tagged cache. It is safe for concurrent use.
type Cache struct {
	rdb *redis.Client // nil: in process

	mu      sync.Mutex
	entries map[string]localEntry
	tags    map[string]uint64
}

type localEntry struct {
	value   []byte
	tags    map[string]uint64
	expires time.Time
}

// New returns a cache in rdb, or in process when rdb is nil.
func New(rdb *redis.Client) *Cache {
	return &Cache{rdb: rdb, entries: map[string]localEntry{}, tags: map[string]uint64{}}
}

// Shared reports whether the cache is in Redis (shared by every node).
func (c *Cache) Shared() bool { return c.rdb != nil }

// redisEntry is an entry as stored in Redis.
type redisEntry struct {
	Value []byte            `json:"v"`
	Tags  map[string]uint64 `json:"t,omitempty"`
}

// Get returns the value under key; ok is false on a miss, an expired entry
// or one whose tags were invalidated since it was stored.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if c.rdb == nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		e, ok := c.entries[key]
		if !ok {
			return nil, false, nil
		}
		if time.Now().After(e.expires) || !c.currentLocked(e.tags) {
			delete(c.entries, key)
			return nil, false, nil
		}
		return e.value, true, nil
	}
	raw, err := c.rdb.Get(ctx, entryPrefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cache get: %w", err)
	}
	var e redisEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, false, nil // a foreign or corrupt entry is a miss
	}
	if len(e.Tags) > 0 {
		current, err := c.versions(ctx, keys(e.Tags))
		if err != nil {
			return nil, false, err
		}
		for t, v := range e.Tags {
			if current[t] != v {
				return nil, false, nil
			}
		}
	}
	return e.Value, true, nil
}

// Set stores value under key for ttl, tagged with tags.
func (c *Cache) Set(ctx context.Context, key string, value []byte, tags []string, ttl time.Duration) error {
	if ttl <= 0 {
		return errors.New("cache set: ttl must be positive")
	}
	if c.rdb == nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		vs := make(map[string]uint64, len(tags))
		for _, t := range tags {
			vs[t] = c.tags[t]
		}
		if _, ok := c.entries[key]; !ok && len(c.entries) >= MaxLocalEntries {
			for k := range c.entries {
				delete(c.entries, k)
				break
			}
		}
		c.entries[key] = localEntry{value: append([]byte(nil), value...), tags: vs, expires: time.Now().Add(ttl)}
		return nil
	}
	vs, err := c.versions(ctx, tags)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(redisEntry{Value: value, Tags: vs})
	if err != nil {
		return fmt.Errorf("cache set: %w", err)
	}
	if err := c.rdb.Set(ctx, entryPrefix+key, raw, ttl).Err(); err != nil {
		return fmt.Errorf("cache set: %w", err)
	}
	return nil
}

// Delete drops the entry under key.
func (c *Cache) Delete(ctx context.Context, key string) error {
	if c.rdb == nil {
		c.mu.Lock()
		delete(c.entries, key)
		c.mu.Unlock()
		return nil
	}
	return c.rdb.Del(ctx, entryPrefix+key).Err()
}

// Invalidate makes every entry tagged with one of tags miss.
func (c *Cache) Invalidate(ctx context.Context, tags ...string) error {
	if len(tags) == 0 {
		return nil
	}
	if c.rdb == nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, t := range tags {
			c.tags[t]++
		}
		return nil
	}
	pipe := c.rdb.Pipeline()
	for _, t := range tags {
		pipe.Incr(ctx, tagPrefix+t)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("cache invalidate: %w", err)
	}
	return nil
}

// currentLocked reports whether the recorded tag versions are current.
func (c *Cache) currentLocked(vs map[string]uint64) bool {
	for t, v := range vs {
		if c.tags[t] != v {
			return false
		}
	}
	return true
}

// versions reads the current version of each tag from Redis (0 if never
// invalidated).
func (c *Cache) versions(ctx context.Context, tags []string) (map[string]uint64, error) {
	out := make(map[string]uint64, len(tags))
	if len(tags) == 0 {
		return out, nil
	}
	ks := make([]string, len(tags))
	for i, t := range tags {
		ks[i] = tagPrefix + t
	}
	vals, err := c.rdb.MGet(ctx, ks...).Result()
	if err != nil {
		return nil, fmt.Errorf("cache tags: %w", err)
	}
	for i, v := range vals {
		var n uint64
		if s, ok := v.(string); ok {
			n, _ = strconv.ParseUint(s, 10, 64)
		}
		out[tags[i]] = n
	}
	return out, nil
}

func keys(m map[string]uint64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
