package extend

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
)

// Variables is the plugin_variable table as a plugin.VariableStore: each
// plugin's own small JSON values (variable_get / variable_set).
type Variables struct{ q *db.Queries }

// NewVariables returns the variable store on pool.
func NewVariables(pool *pgxpool.Pool) *Variables { return &Variables{q: db.New(pool)} }

// PluginVariable returns plugin's variable name; ok is false when unset.
func (v *Variables) PluginVariable(ctx context.Context, plugin, name string) (json.RawMessage, bool, error) {
	val, err := v.q.GetPluginVariable(ctx, db.GetPluginVariableParams{Plugin: plugin, Name: name})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return val, true, nil
}

// SetPluginVariable stores value; nil deletes the variable.
func (v *Variables) SetPluginVariable(ctx context.Context, plugin, name string, value json.RawMessage) error {
	if value == nil {
		return v.q.DeletePluginVariable(ctx, db.DeletePluginVariableParams{Plugin: plugin, Name: name})
	}
	return v.q.SetPluginVariable(ctx, db.SetPluginVariableParams{Plugin: plugin, Name: name, Value: value})
}
