package sdk

// Level is a log severity; the values are those of log/slog.
type Level int32

// The log levels a plugin may use with Log.
const (
	LevelDebug Level = -4
	LevelInfo  Level = 0
	LevelWarn  Level = 4
	LevelError Level = 8
)
