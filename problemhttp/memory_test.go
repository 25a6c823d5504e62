package problemhttp_test

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// heapAfterGC returns the live heap, in bytes.
func heapAfterGC() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestTricklingClientsHoldLittle: clients that declare a megabyte of body
// and send one byte make the server hold what they sent, not what they
// declared. 100 such clients once took 100 MiB.
func TestTricklingClientsHoldLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 100 connections")
	}
	const clients = 100
	entered := make(chan struct{}, clients)
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)})
	dec := validation.New(validation.Options{})
	r := pipetest.NewRouter(pl)
	r.Post("/body", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		entered <- struct{}{}
		var v map[string]any
		return dec.Decode(r, &v)
	}))
	srv := httptest.NewServer(r)
	defer srv.Close()

	before := heapAfterGC()
	conns := make([]net.Conn, 0, clients)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range clients {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /body HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", validation.DefaultMaxBytes)
	}
	for range clients {
		<-entered // every handler is reading its body
	}
	grown := int64(heapAfterGC()) - int64(before)
	t.Logf("%d clients declaring %d bytes each: the heap grew by %d KiB", clients, validation.DefaultMaxBytes, grown>>10)
	if limit := int64(16 << 20); grown > limit {
		t.Errorf("the heap grew by %d MiB, want under %d MiB: buffers sized by a declared length", grown>>20, limit>>20)
	}
}

// TestDistinctHugeTextsHoldNothing: thousands of requests, each with its
// own large unknown member name, path and Accept-Language, leave nothing
// behind: no cache admits what a client chose. 800 such names once kept
// 250 MiB.
func TestDistinctHugeTextsHoldNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 32 MiB")
	}
	srv := httptest.NewServer(hostileAPI(t, slog.New(slog.DiscardHandler), false))
	defer srv.Close()
	client := srv.Client()
	send := func(i int) {
		name := fmt.Sprintf("%06d", i) + strings.Repeat("n", 32<<10)
		req := post(srv.URL+"/body", "{"+jsonString(name)+":1}")
		req.Header.Set("Accept-Language", fmt.Sprintf("ko-%06d,en;q=0.%d", i, i%10))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	for i := range 50 { // warm every pool and cache that may fill
		send(i)
	}
	before := heapAfterGC()
	for i := 50; i < 1050; i++ {
		send(i)
	}
	grown := int64(heapAfterGC()) - int64(before)
	t.Logf("1000 distinct 32 KiB names: the heap grew by %d KiB", grown>>10)
	if limit := int64(4 << 20); grown > limit {
		t.Errorf("the heap grew by %d KiB, want under %d MiB: a cache keeps what clients chose", grown>>10, limit>>20)
	}
}
