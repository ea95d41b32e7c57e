package plugin

// validJSON reports whether b is one JSON value (RFC 8259) with optional
// surrounding whitespace, accepting exactly what encoding/json.Valid
// accepts: strings may hold any byte but '"', '\\' and control characters
// (UTF-8 is not checked), and values nest at most 10000 deep. It exists
// because every tap answer is validated and json.Valid's byte-at-a-time
// state machine cost ~0.5 µs on a 100-byte render element, a tenth of a
// handle-based tap call; this one does not allocate and is several times
// faster. FuzzValidJSON keeps the two in agreement.
func validJSON(b []byte) bool {
	const maxDepth = 10000 // encoding/json's limit
	// stack holds one bit per open container: 1 for an object. Depth beyond
	// the inline bits uses the slice.
	var stack []bool
	var inline [32]bool
	stack = inline[:0]
	i := skipWS(b, 0)
	for {
		// A value starts at i.
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxDepth {
				return false
			}
			stack = append(stack, c == '{')
			i = skipWS(b, i+1)
			if i >= len(b) {
				return false
			}
			if c == '{' {
				if b[i] == '}' {
					i++
					stack = stack[:len(stack)-1]
					break
				}
				if i = objectKey(b, i); i < 0 {
					return false
				}
				continue
			}
			if b[i] == ']' {
				i++
				stack = stack[:len(stack)-1]
				break
			}
			continue
		case c == '"':
			if i = stringEnd(b, i); i < 0 {
				return false
			}
		case c == '-' || (c >= '0' && c <= '9'):
			if i = numberEnd(b, i); i < 0 {
				return false
			}
		case c == 't':
			if !hasLit(b, i, "true") {
				return false
			}
			i += 4
		case c == 'f':
			if !hasLit(b, i, "false") {
				return false
			}
			i += 5
		case c == 'n':
			if !hasLit(b, i, "null") {
				return false
			}
			i += 4
		default:
			return false
		}
		// A value ended before i: close containers, or go on to the next
		// element or member.
		for {
			i = skipWS(b, i)
			if len(stack) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			inObject := stack[len(stack)-1]
			switch b[i] {
			case ',':
				i = skipWS(b, i+1)
				if inObject {
					if i = objectKey(b, i); i < 0 {
						return false
					}
				}
			case '}':
				if !inObject {
					return false
				}
				stack = stack[:len(stack)-1]
				i++
				continue
			case ']':
				if inObject {
					return false
				}
				stack = stack[:len(stack)-1]
				i++
				continue
			default:
				return false
			}
			break
		}
	}
}

// skipWS skips JSON whitespace from i.
func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// objectKey checks `"key" :` at i and returns the index after the colon
// and any whitespace, or -1.
func objectKey(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i = stringEnd(b, i); i < 0 {
		return -1
	}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1
	}
	return skipWS(b, i+1)
}

// stringEnd returns the index after the string starting at b[i] == '"',
// or -1 when it is malformed.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		for i < len(b) && plainByte[b[i]] {
			i++
		}
		if i >= len(b) {
			return -1
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return -1
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return -1
					}
				}
				i += 4
			default:
				return -1
			}
		}
	}
	return -1
}

// plainByte marks the bytes a string holds as they are.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// numberEnd returns the index after the number starting at i, or -1.
func numberEnd(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func hasLit(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}
