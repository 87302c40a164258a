package sqlite

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/parapet-dev/parapet/internal/asset"
)

// docs are an asset's JSON documents, encoded (nil for SQL NULL).
type docs struct{ tags, config, relations, errs any }

func encodeDocs(en *encoder, a *asset.Asset) (docs, error) {
	var d docs
	var err error
	if d.tags, err = en.text(a.Tags, a.Tags == nil); err != nil {
		return d, fmt.Errorf("encode tags: %w", err)
	}
	if d.config, err = en.text(a.Config, a.Config == nil); err != nil {
		return d, fmt.Errorf("encode config: %w", err)
	}
	if d.relations, err = en.text(a.Relations, a.Relations == nil); err != nil {
		return d, fmt.Errorf("encode relations: %w", err)
	}
	if d.errs, err = en.text(a.Errors, a.Errors == nil); err != nil {
		return d, fmt.Errorf("encode errors: %w", err)
	}
	return d, nil
}

// encoded is the outcome of encoding one asset's documents.
type encoded struct {
	docs docs
	err  error
}

const (
	preChunk = 256 // assets per unit of work
	preAhead = 8   // chunks encoded but not yet written, at most
)

// preEncoder encodes documents on other cores while the writer runs SQL,
// in chunks taken in batch order and at most preAhead chunks ahead of the
// writer, so the memory held stays small. Encoding is a fifth of the work
// of storing a new asset; SQLite's single writer cannot use a second core.
type preEncoder struct {
	batch  []*asset.Asset
	need   []bool
	out    []encoded
	done   []chan struct{} // closed when a chunk is encoded
	tokens chan struct{}   // one per chunk that may be encoded ahead
	next   atomic.Int64    // next chunk to encode
	quit   chan struct{}
	wg     sync.WaitGroup
}

// startPreEncode starts encoding the assets for which need is true. It
// returns nil (encode as you go) when there is no other core to use.
func startPreEncode(batch []*asset.Asset, need func(*asset.Asset) bool) *preEncoder {
	workers := runtime.GOMAXPROCS(0) - 1
	if workers < 1 || len(batch) < preChunk {
		return nil
	}
	chunks := (len(batch) + preChunk - 1) / preChunk
	p := &preEncoder{
		batch:  batch,
		need:   make([]bool, len(batch)),
		out:    make([]encoded, len(batch)),
		done:   make([]chan struct{}, chunks),
		tokens: make(chan struct{}, preAhead),
		quit:   make(chan struct{}),
	}
	some := false
	for i, a := range batch {
		p.need[i] = need(a)
		some = some || p.need[i]
	}
	if !some {
		return nil
	}
	for k := range p.done {
		p.done[k] = make(chan struct{})
	}
	for range preAhead {
		p.tokens <- struct{}{}
	}
	for range min(workers, chunks) {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *preEncoder) work() {
	defer p.wg.Done()
	en := newEncoder()
	for {
		select {
		case <-p.quit:
			return
		case <-p.tokens:
		}
		k := int(p.next.Add(1) - 1)
		if k >= len(p.done) {
			return
		}
		for i := k * preChunk; i < min((k+1)*preChunk, len(p.batch)); i++ {
			if p.need[i] {
				d, err := encodeDocs(en, p.batch[i])
				p.out[i] = encoded{d, err}
			}
		}
		close(p.done[k])
	}
}

// take returns asset i's encoded documents, waiting for them if needed,
// or nil when they were not encoded ahead. Calls must be in batch order.
func (p *preEncoder) take(i int) *encoded {
	if p == nil {
		return nil
	}
	var e *encoded
	if p.need[i] {
		<-p.done[i/preChunk]
		cp := p.out[i]
		p.out[i] = encoded{} // the writer holds its own copy now
		e = &cp
	}
	if i%preChunk == preChunk-1 || i == len(p.batch)-1 {
		// The writer is done with this chunk: let one more be encoded.
		p.tokens <- struct{}{}
	}
	return e
}

// stop ends the workers and waits for them; safe on nil.
func (p *preEncoder) stop() {
	if p == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
}
