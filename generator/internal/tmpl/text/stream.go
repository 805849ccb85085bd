package template

// This file is pspm's, not the standard library's: the streaming of html/template's
// escapers and the fast path of printValue for strings. See the README of the fork.

import (
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"text/template/parse"
)

// StreamEscaper is one of html/template's escapers, in the forms exec runs when the
// escaper ends an action's pipeline (see RegisterStreamEscapers).
type StreamEscaper struct {
	// Func is the escaper as html/template binds it in a template's functions. An
	// action's escaper is streamed only when the template's function of its name is
	// this very function, so that a function a user binds to the name is called as
	// before.
	Func func(...any) string
	// String is what Func returns for one argument whose text and kind are s and kind
	// (as StreamEscapers.Stringify gives them). It must not call the template's data.
	String func(s string, kind int) string
	// Append appends String(s, kind) to dst, without making it a string.
	Append func(dst []byte, s string, kind int) []byte
}

// StreamEscapers is what html/template tells exec of its escapers, all of which begin
// by turning their arguments into a text and a kind of content.
type StreamEscapers struct {
	// Stringify is the text and kind of content the escapers find in their single
	// argument v: what they would find in v.Interface(). This is the one part of an
	// escaper that may run the data's code (String and Error methods).
	Stringify func(v reflect.Value) (s string, kind int)
	// Plain is the kind of a plain string, the kind an escaper finds in the string an
	// escaper before it returned.
	Plain int
	// Escapers are the escapers by the names html/template gives them.
	Escapers map[string]StreamEscaper
}

// streamEscaper is a StreamEscaper with its function's code pointer.
type streamEscaper struct {
	StreamEscaper
	code uintptr
}

// streamed holds the escapers registered; written once, by html/template's init.
var streamed struct {
	stringify func(reflect.Value) (string, int)
	plain     int
	byName    map[string]*streamEscaper
}

// RegisterStreamEscapers tells exec the escapers it may stream. html/template calls it
// once, from its init; there is no other use for it.
//
// When an action (that declares no variable) ends its pipeline with a run of these
// escapers, each a bare name bound to its Func, exec evaluates the commands before the
// run as usual, then finds the text and kind of their value with Stringify, passes it
// through the String of each escaper of the run but the last, and appends what the
// last one gives to a buffer it writes to the template's writer in one Write, as
// printValue would have printed the last escaper's result. exec makes no string, boxes
// nothing in a reflect.Value or an interface, and builds no slice of arguments. A panic
// in the forms of an escaper (in practice, in Stringify: the data's String and Error
// methods) stops the execution with the error a call of that escaper gives otherwise,
// "error calling <name>: …" at its command.
func RegisterStreamEscapers(e StreamEscapers) {
	if streamed.byName != nil {
		panic("template: RegisterStreamEscapers called twice")
	}
	m := make(map[string]*streamEscaper, len(e.Escapers))
	for name, esc := range e.Escapers {
		if esc.Func == nil || esc.String == nil || esc.Append == nil {
			panic("template: incomplete StreamEscaper for " + name)
		}
		m[name] = &streamEscaper{esc, reflect.ValueOf(esc.Func).Pointer()}
	}
	streamed.stringify, streamed.plain, streamed.byName = e.Stringify, e.Plain, m
}

// streamingOff turns off the streaming of escapers and printValue's fast path, for the
// tests that compare their output with the standard library's way.
var streamingOff atomic.Bool

// SetStreaming turns the streaming of html/template's escapers and printValue's fast
// path for strings on (the default) or off, and reports whether they were on. It is for
// the tests, which compare the output of both ways.
func SetStreaming(on bool) (was bool) {
	return !streamingOff.Swap(!on)
}

// maxStreamed is the longest run of escapers streamAction runs itself; any escaper
// before them is called as before. html/template ends a pipeline with three at most.
const maxStreamed = 4

var emptyInterfaceType = reflect.TypeFor[any]()

// streamAction executes the action node, which declares no variable, if its pipeline
// ends with a run of streamed escapers, and reports whether it did.
func (s *state) streamAction(dot reflect.Value, node *parse.ActionNode) bool {
	if streamed.byName == nil || streamingOff.Load() {
		return false
	}
	pipe := node.Pipe
	cmds := pipe.Cmds
	// run[j] is the escaper of cmds[len(cmds)-1-j]; the run is cmds[k:].
	var run [maxStreamed]*streamEscaper
	k := len(cmds)
	for k > 1 && len(cmds)-k < maxStreamed {
		cmd := cmds[k-1]
		if len(cmd.Args) != 1 {
			break
		}
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok {
			break
		}
		esc := streamed.byName[id.Ident]
		if esc == nil {
			break
		}
		fn, isBuiltin, ok := findFunction(id.Ident, s.tmpl)
		if !ok || isBuiltin || fn.Kind() != reflect.Func || fn.Pointer() != esc.code {
			break
		}
		run[len(cmds)-k] = esc
		k--
	}
	n := len(cmds) - k
	if n == 0 {
		return false
	}
	// The commands before the run, as evalPipeline runs them.
	s.at(pipe)
	value := missingVal
	for _, cmd := range cmds[:k] {
		value = s.evalCommand(dot, cmd, value)
		if value.Kind() == reflect.Interface && value.Type().NumMethod() == 0 {
			value = value.Elem()
		}
	}
	// The first escaper's argument, as evalCall makes it (which cannot fail for an
	// argument of type any).
	s.at(cmds[k].Args[0])
	value = s.validateType(value, emptyInterfaceType)
	buf := s.scratch()
	out, failed, err := runStreamed((*buf)[:0], value, run[:n])
	if err != nil {
		cmd := cmds[k+failed]
		s.at(cmd)
		s.errorf("error calling %s: %w", cmd.Args[0].(*parse.IdentifierNode).Ident, err)
	}
	*buf = out
	s.at(node)
	if _, err := s.wr.Write(out); err != nil {
		s.writeError(err)
	}
	return true
}

// runStreamed passes v through the escapers of rev, which are in reverse order, and
// appends the last one's result to dst. If one panics, it returns its index in the
// pipeline's order, and the panic as safeCall makes it an error.
func runStreamed(dst []byte, v reflect.Value, rev []*streamEscaper) (out []byte, failed int, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	str, kind := streamed.stringify(v)
	for i := len(rev) - 1; i > 0; i-- {
		failed = len(rev) - 1 - i
		str, kind = rev[i].String(str, kind), streamed.plain
	}
	failed = len(rev) - 1
	return rev[0].Append(dst, str, kind), 0, nil
}

// scratchPool holds the buffers executions write escaped values through.
var scratchPool = sync.Pool{New: func() any { return new([]byte) }}

// maxScratch is the largest buffer given back to scratchPool.
const maxScratch = 64 << 10

// scratch is the buffer of the execution, taken from scratchPool on first use.
func (s *state) scratch() *[]byte {
	if *s.buf == nil {
		*s.buf = scratchPool.Get().(*[]byte)
	}
	return *s.buf
}

// releaseScratch gives the buffer of the execution back to scratchPool.
func releaseScratch(buf **[]byte) {
	if b := *buf; b != nil {
		*buf = nil
		if cap(*b) <= maxScratch {
			*b = (*b)[:0]
			scratchPool.Put(b)
		}
	}
}

// printString is printValue for a value of type string (which has no methods):
// fmt.Fprint would write the string's bytes as they are, in one Write.
func (s *state) printString(str string) {
	var err error
	if sw, ok := s.wr.(io.StringWriter); ok {
		_, err = sw.WriteString(str)
	} else {
		buf := s.scratch()
		*buf = append((*buf)[:0], str...)
		_, err = s.wr.Write(*buf)
	}
	if err != nil {
		s.writeError(err)
	}
}
