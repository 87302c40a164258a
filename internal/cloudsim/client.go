package cloudsim

import (
	"bytes"
	"io"
	"net/http"
)

// HTTPClient returns an HTTP client for AWS SDK clients that talk to a
// simulator on loopback (set it as aws.Config.HTTPClient after loading the
// configuration).
//
// It sends every request body from its own in-memory copy. smithy-go closes
// a request body as soon as the response headers arrive, while net/http may
// still be probing that body for bytes beyond Content-Length; the closed
// body answers the probe with io.EOF, net/http then closes the connection,
// and a response larger than its 4 KB read buffer is cut short ("use of
// closed network connection"). Over a network the answer never comes back
// that fast; on loopback it does, under load. The SDK's standard retryer
// retries the error, so this client matters most to tests without retries.
func HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: bufferedBodies{tr}}
}

type bufferedBodies struct{ next http.RoundTripper }

func (b bufferedBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.RoundTrip(r)
	}
	data, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	c := r.Clone(r.Context())
	c.ContentLength = int64(len(data))
	c.Body = io.NopCloser(bytes.NewReader(data))
	c.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return b.next.RoundTrip(c)
}
