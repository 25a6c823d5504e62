package main

import (
	"testing"
)

func TestBaseFromAddr(t *testing.T) {
	tests := []struct {
		addr string
		port int
		want string
	}{
		{"localhost:8080", 8080, "http://localhost:8080"},
		{":8080", 8080, "http://localhost:8080"},
		{"0.0.0.0:9000", 9000, "http://localhost:9000"},
		{"[::]:8080", 8080, "http://localhost:8080"},
		{"127.0.0.1:18080", 18080, "http://127.0.0.1:18080"},
		{"127.0.0.1:0", 41234, "http://127.0.0.1:41234"},
		{"[::1]:8080", 8080, "http://[::1]:8080"},
		{"api.example.com:443", 443, "http://api.example.com:443"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := baseFromAddr(tt.addr, tt.port); got != tt.want {
				t.Errorf("baseFromAddr(%q, %d) = %q, want %q", tt.addr, tt.port, got, tt.want)
			}
		})
	}
}
