// Command example_server is problemkit's demo API: every way an HTTP API
// can fail, answered with RFC 9457 problems.
//
//	go run ./example_server                 # development mode on localhost:8080
//	go run ./example_server -production     # production mode
//
// Flags: -addr (default "localhost:8080": development mode, with its debug
// member, is not served to the network unless asked; a deployment passes
// -addr :8080), -production, -mux (chi, the default, or std for the same API
// on http.ServeMux), -base-url (the base of the problem type URIs;
// default derived from -addr), -redis redis://HOST:PORT/DB (idempotency
// keys and rate limits on Redis, shared by every instance started with
// it; without it, in memory), -transfer-delay (how long a transfer takes,
// to watch a concurrent duplicate answered 409), -otel (OpenTelemetry: a
// server span per request, the problem counter, spans and metrics as JSON
// on stdout), and -gen-docs DIR, which writes the error catalog docs, the
// OpenAPI document and the catalog snapshot into DIR instead of serving
// (go generate runs it).
//
// SIGINT or SIGTERM stops it gracefully: it stops accepting, lets the
// requests in flight finish (10 s at most), then flushes the spans and
// metrics. A second signal stops it at once.
package main

//go:generate go run . -gen-docs ../docs

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/problemhttp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the first signal shuts down gracefully; a second one kills
	}()
	// go-redis logs through a logger of its own, a package global: set it
	// once, here, so its lines are JSON like ours.
	redis.SetLogger(redisLogger{slog.New(slog.NewJSONHandler(os.Stderr, nil))})
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "example_server:", err)
		os.Exit(1)
	}
}

// run parses the flags and serves until ctx is done, then shuts down
// gracefully. Logs go to stderr: JSON lines in production, text in
// development; with -otel, spans and metrics go to stdout. ready, when
// set, is told the address once the server listens (tests use -addr
// 127.0.0.1:0).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("example_server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "listen address; use :8080 to serve the network")
	production := fs.Bool("production", false, "production mode: hide internals, log JSON")
	mux := fs.String("mux", "chi", "router: chi, or std for http.ServeMux")
	baseURL := fs.String("base-url", "", "base URL of this server, for problem type URIs (default derived from -addr)")
	genDocs := fs.String("gen-docs", "", "write the error catalog docs into this folder and exit")
	redisURL := fs.String("redis", "", "redis://HOST:PORT/DB: idempotency keys and rate limits on Redis, shared by instances (default: in memory)")
	transferDelay := fs.Duration("transfer-delay", 0, "how long a transfer takes, to watch a concurrent duplicate answered 409")
	withOTel := fs.Bool("otel", false, "OpenTelemetry: spans and metrics as JSON on stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *mux != "chi" && *mux != "std" {
		return fmt.Errorf("-mux %q: want chi or std", *mux)
	}
	if *genDocs != "" {
		return generateDocs(*genDocs, *addr, *baseURL)
	}

	var logger *slog.Logger
	if *production {
		logger = slog.New(slog.NewJSONHandler(stderr, nil))
	} else {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = baseFromAddr(*addr, ln.Addr().(*net.TCPAddr).Port)
	}
	var tel *telemetry
	if *withOTel {
		if tel, err = newTelemetry(stdout); err != nil {
			ln.Close()
			return err
		}
		defer func() {
			// After the last request: flush what the batcher and the
			// metric reader still hold.
			flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := tel.shutdown(flush); err != nil {
				logger.Error("example_server: flushing telemetry", "error", err)
			}
		}()
	}
	handler, stopUpstream, err := newServer(config{production: *production, baseURL: strings.TrimSuffix(*baseURL, "/"), logger: logger, mux: *mux, redisURL: *redisURL, transferDelay: *transferDelay, otel: tel})
	if err != nil {
		ln.Close()
		return err
	}
	defer stopUpstream()
	srv := newHTTPServer(handler, logger)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	mode := "development"
	if *production {
		mode = "production"
	}
	logger.Info("example_server listening", "addr", ln.Addr().String(), "mode", mode, "baseURL", *baseURL, "otel", *withOTel)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, and wait for the requests in flight; past the
	// deadline, close what is left.
	logger.Info("example_server shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("example_server stopped")
	return nil
}

// newHTTPServer returns the demo's http.Server: a template for yours. Every
// phase of a request has a deadline, so a client that trickles bytes or
// keeps an idle connection open holds nothing for long, and request headers
// are bounded: net/http answers 431 beyond MaxHeaderBytes, before any
// handler runs.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,  // the request line and headers
		ReadTimeout:       15 * time.Second, // the whole request, body included
		// The whole response: above the slowest route's own budget (the
		// upstream calls give up within 2 s).
		WriteTimeout:   30 * time.Second,
		IdleTimeout:    60 * time.Second, // a kept-alive connection between requests
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// baseFromAddr derives the server's base URL from the -addr flag and the
// port it listens on: an empty or unspecified host (":8080") becomes
// localhost; a host name stays as written.
func baseFromAddr(addr string, port int) string {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// generateDocs writes docs/errors.md (English), docs/errors.ko.md,
// docs/openapi.json (the API's document, as GET /openapi.json serves it)
// and docs/catalog.json (the catalog's snapshot) for the demo. The base URL defaults to the one
// -addr's default gives, so the committed files do not depend on the
// machine.
func generateDocs(dir, addr, baseURL string) error {
	if baseURL == "" {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			return fmt.Errorf("-addr %q: port %q is not a number", addr, port)
		}
		baseURL = baseFromAddr(addr, n)
	}
	catalog, err := newCatalog(strings.TrimSuffix(baseURL, "/") + "/problems/")
	if err != nil {
		return err
	}
	bundle, err := newBundle(catalog)
	if err != nil {
		return err
	}
	routes, err := docRoutes(catalog, bundle)
	if err != nil {
		return err
	}
	return problemdocs.WriteFiles(dir, catalog, apiOptions(routes), bundle.Negotiate("en"), bundle.Negotiate("ko"))
}

// docRoutes returns the route table for its declarations: the handlers
// are built, never run, and no upstream is started.
func docRoutes(catalog *problem.Catalog, bundle *i18n.Bundle) ([]route, error) {
	sh, err := newShared("")
	if err != nil {
		return nil, err
	}
	defer sh.close()
	return newApp("", 0, sh, &upstreamDemos{}).routes(problemhttp.New(problemhttp.Options{Catalog: catalog, Localizer: bundle}), catalog, bundle)
}

// redisLogger writes go-redis's own messages (a pool that cannot dial, …)
// as warnings.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
