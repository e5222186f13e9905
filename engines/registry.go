package engines

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Factory opens an engine. arg is the text after "NAME:" in names such as
// "exec:./my-engine" and empty otherwise.
type Factory func(arg string) (Engine, error)

// Availability reports whether an engine can run here and, if not, why
// (for example "built without the rustffi tag").
type Availability func() error

type entry struct {
	factory   Factory
	available Availability
	doc       string
}

var (
	mu       sync.RWMutex
	registry = map[string]entry{}
)

// ErrUnavailable wraps the reason an engine cannot run in this build or on
// this machine.
var ErrUnavailable = errors.New("engine unavailable")

// Unavailable marks reason as why an engine cannot run here: the error
// wraps ErrUnavailable and reason, and reads as reason alone, so that
// the one who names the engine (OpenSpec's OpenError) says "engine X
// unavailable" once. Factories and Availability functions return their
// reasons bare, without the engine's name.
func Unavailable(reason error) error { return unavailable{reason} }

type unavailable struct{ reason error }

func (u unavailable) Error() string   { return u.reason.Error() }
func (u unavailable) Unwrap() []error { return []error{ErrUnavailable, u.reason} }

// OpenError is the error of Open and OpenSpec for an engine that is known
// but cannot be opened: it names the engine once, and Err says why
// (wrapping ErrUnavailable when the engine cannot run here).
type OpenError struct {
	Spec string // the engine as given, e.g. "exec:./my-engine"
	Err  error  // why, without the engine's name
}

// Error reads `engine "SPEC" unavailable: WHY` or `engine "SPEC": WHY`.
func (e *OpenError) Error() string {
	if errors.Is(e.Err, ErrUnavailable) {
		return fmt.Sprintf("engine %q unavailable: %v", e.Spec, e.Err)
	}
	return fmt.Sprintf("engine %q: %v", e.Spec, e.Err)
}

// Unwrap returns Err.
func (e *OpenError) Unwrap() error { return e.Err }

// Register adds an engine under name. available may be nil (always
// available). doc is a one-line description for --help. Registering a name
// twice panics: it is a programming error.
func Register(name, doc string, f Factory, available Availability) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic("engines: Register called twice for " + name)
	}
	registry[name] = entry{factory: f, available: available, doc: doc}
}

// Open returns the engine called name, parsed with ParseSpec:
// "exec:COMMAND" selects the engine registered as "exec" with COMMAND as
// its argument; a label ("base=ffi:PATH") is accepted and ignored.
func Open(name string) (Engine, error) {
	sp, err := ParseSpec(name)
	if err != nil {
		return nil, err
	}
	return OpenSpec(sp)
}

// OpenSpec opens the engine sp names: an unknown kind is an error naming
// the known ones; an engine that cannot be opened an *OpenError, wrapping
// ErrUnavailable when it cannot run here.
func OpenSpec(sp Spec) (Engine, error) {
	mu.RLock()
	e, ok := registry[sp.Kind]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown engine %q (known: %s)", sp.Text, strings.Join(Names(), ", "))
	}
	if e.available != nil {
		if err := e.available(); err != nil {
			return nil, &OpenError{Spec: sp.Text, Err: Unavailable(err)}
		}
	}
	eng, err := e.factory(sp.Arg)
	if err != nil {
		return nil, &OpenError{Spec: sp.Text, Err: err}
	}
	return eng, nil
}

// Available reports nil when the named engine can run here, and otherwise
// the reason (wrapping ErrUnavailable, without the engine's name).
func Available(name string) error {
	mu.RLock()
	e, ok := registry[name]
	mu.RUnlock()
	if !ok {
		return fmt.Errorf("unknown engine %q", name)
	}
	if e.available != nil {
		if err := e.available(); err != nil {
			return Unavailable(err)
		}
	}
	return nil
}

// Names lists registered engine names in ascending order.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Doc returns the one-line description of a registered engine.
func Doc(name string) string {
	mu.RLock()
	defer mu.RUnlock()
	return registry[name].doc
}
