// Command parapet is continuous cloud compliance in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/parapet-dev/parapet/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr, version)
	stop()
	os.Exit(code)
}
