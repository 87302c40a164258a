package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDB names the environment variable that overrides DefaultPath.
const EnvDB = "PARAPET_DB"

// DefaultPath returns where the embedded database lives for this user:
// $PARAPET_DB when set; otherwise $XDG_DATA_HOME/parapet/parapet.db or
// ~/.local/share/parapet/parapet.db on Linux and other Unix systems,
// ~/Library/Application Support/parapet/parapet.db on macOS, and
// %LocalAppData%\parapet\parapet.db on Windows.
func DefaultPath() (string, error) {
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func defaultPath(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	if p := getenv(EnvDB); p != "" {
		return p, nil
	}
	const file = "parapet.db"
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "parapet", file), nil
		}
		return "", errors.New("database path: %LocalAppData% is not set; set " + EnvDB)
	case "darwin", "ios":
		h, err := home()
		if err != nil {
			return "", fmt.Errorf("database path: %w; set %s", err, EnvDB)
		}
		return filepath.Join(h, "Library", "Application Support", "parapet", file), nil
	default:
		// The XDG spec says relative values are invalid and to be ignored.
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "parapet", file), nil
		}
		h, err := home()
		if err != nil {
			return "", fmt.Errorf("database path: %w; set %s", err, EnvDB)
		}
		return filepath.Join(h, ".local", "share", "parapet", file), nil
	}
}
