// Command example_server is problemkit's demo API: every way an HTTP API
// can fail, answered with RFC 9457 problems.
//
//	go run ./example_server                 # development mode on :8080
//	go run ./example_server -production     # production mode
//
// Flags: -addr (default ":8080"), -production, -base-url (the base of the
// problem type URIs; default derived from -addr).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "example_server:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("example_server", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address")
	production := fs.Bool("production", false, "production mode: hide internals, log JSON")
	baseURL := fs.String("base-url", "", "base URL of this server, for problem type URIs (default derived from -addr)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var logger *slog.Logger
	if *production {
		logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	} else {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = baseFromAddr(ln.Addr().(*net.TCPAddr))
	}
	handler, err := newServer(config{production: *production, baseURL: strings.TrimSuffix(*baseURL, "/"), logger: logger})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	mode := "development"
	if *production {
		mode = "production"
	}
	logger.Info("example_server listening", "addr", ln.Addr().String(), "mode", mode, "baseURL", *baseURL)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// baseFromAddr derives the server's base URL from the address it listens
// on: an unspecified host (":8080") becomes localhost.
func baseFromAddr(a *net.TCPAddr) string {
	host := "localhost"
	if !a.IP.IsUnspecified() {
		host = a.IP.String()
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
}
