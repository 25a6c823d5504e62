package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// embeddingsSDK stands for a vendor's SDK, such as openai-go: it takes an
// *http.Client, sends the request itself, and turns an error response
// into its own error type, *embeddingsAPIError, which knows nothing of
// problemkit. The demo hands it upstream.Client.HTTPClient and registers
// its error type with upstream.SDKErrors (see upstreamDemos).
type embeddingsSDK struct {
	hc      *http.Client
	baseURL string
	apiKey  string
}

// embeddingsAPIError is the SDK's error for an error response. Like
// openai-go's, it keeps the response, and it reports its status through a
// StatusCode method, which the pipeline would otherwise take for this
// API's own status.
type embeddingsAPIError struct {
	Status   int
	Message  string
	Code     string
	Response *http.Response
}

func (e *embeddingsAPIError) Error() string {
	return fmt.Sprintf("embeddings API: status %d %s: %s", e.Status, e.Code, e.Message)
}

// StatusCode returns the status the embeddings API answered with.
func (e *embeddingsAPIError) StatusCode() int { return e.Status }

// create asks for the embedding of input; query is added to the request
// URL, as SDKs' per-request options allow.
func (s *embeddingsSDK) create(ctx context.Context, input string, query url.Values) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]string{"model": "text-embedding-3-small", "input": input})
	u := s.baseURL + "/v1/embeddings"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("embeddings: read response: %w", err)
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error struct{ Message, Code string } `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		return nil, &embeddingsAPIError{Status: resp.StatusCode, Message: e.Error.Message, Code: e.Error.Code, Response: resp}
	}
	return json.RawMessage(data), nil
}
