package signature

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// OpenPGP packet tags (RFC 9580, section 5).
const (
	tagSignature     = 2
	tagMarker        = 10
	tagPublicKey     = 6
	tagTrust         = 12
	tagUserID        = 13
	tagPublicSubkey  = 14
	tagUserAttribute = 17
)

// keyTags are the packets of an exported public key (gpg --export); sigTags those of
// a detached signature (gpg --detach-sign).
var (
	keyTags = []byte{tagPublicKey, tagPublicSubkey, tagUserID, tagUserAttribute, tagSignature, tagTrust, tagMarker}
	sigTags = []byte{tagSignature, tagMarker}
)

// scanPGP walks the OpenPGP packets in b before go-crypto parses them, and refuses
// packets that have no business in a key or a signature (allowed lists the tags that
// may appear), and the two ways of leaving a packet's length open (partial body
// lengths, and the indeterminate length of the legacy format), which RFC 9580 allows
// on data packets only: with them, bytes could hide inside a packet where go-crypto
// stops reading, and one signature would have many spellings. It also refuses public
// keys pspm refuses anyway and whose signatures cost much to check (see
// scanPublicKey). It does not check what go-crypto checks itself.
//
// It no longer guards against go-crypto's panics: the subpacket checks written for
// v1.1.6 (an empty exportable-certification subpacket, go-crypto issue #327, and
// subpacket areas claiming gigabytes) went with v1.5.2, which survives both;
// TestGoCryptoSurvivesWhatThePreParserUsedToStop says if that ever changes.
func scanPGP(b []byte, allowed []byte) error {
	for len(b) > 0 {
		tag, body, rest, err := nextPacket(b)
		if err != nil {
			return err
		}
		if !containsByte(allowed, tag) {
			return fmt.Errorf("unexpected OpenPGP packet of type %d", tag)
		}
		switch tag {
		case tagPublicKey, tagPublicSubkey:
			if err := scanPublicKey(body); err != nil {
				return err
			}
		}
		b = rest
	}
	return nil
}

var errTruncated = errors.New("truncated OpenPGP packet")

// nextPacket splits the first packet off b (RFC 9580, section 4.2).
func nextPacket(b []byte) (tag byte, body, rest []byte, err error) {
	h := b[0]
	if h&0x80 == 0 {
		return 0, nil, nil, errors.New("not an OpenPGP packet")
	}
	var n uint64
	if h&0x40 != 0 { // OpenPGP format
		tag = h & 0x3f
		if len(b) < 2 {
			return 0, nil, nil, errTruncated
		}
		switch l0 := b[1]; {
		case l0 < 192:
			n, b = uint64(l0), b[2:]
		case l0 < 224:
			if len(b) < 3 {
				return 0, nil, nil, errTruncated
			}
			n, b = uint64(l0-192)<<8+uint64(b[2])+192, b[3:]
		case l0 == 255:
			if len(b) < 6 {
				return 0, nil, nil, errTruncated
			}
			n, b = uint64(binary.BigEndian.Uint32(b[2:6])), b[6:]
		default:
			return 0, nil, nil, errors.New("OpenPGP packet with partial body lengths")
		}
	} else { // legacy format
		tag = (h >> 2) & 0x0f
		switch h & 3 {
		case 0:
			if len(b) < 2 {
				return 0, nil, nil, errTruncated
			}
			n, b = uint64(b[1]), b[2:]
		case 1:
			if len(b) < 3 {
				return 0, nil, nil, errTruncated
			}
			n, b = uint64(binary.BigEndian.Uint16(b[1:3])), b[3:]
		case 2:
			if len(b) < 5 {
				return 0, nil, nil, errTruncated
			}
			n, b = uint64(binary.BigEndian.Uint32(b[1:5])), b[5:]
		default:
			// go-crypto ends such a packet wherever its parser stops reading, so the
			// packets after it are not the ones this scan would see.
			return 0, nil, nil, errors.New("OpenPGP packet of indeterminate length")
		}
	}
	if n > uint64(len(b)) {
		return 0, nil, nil, errTruncated
	}
	return tag, b[:n], b[n:], nil
}

// weakKeyError says that a key is of a kind pspm refuses, whether or not it is
// well formed.
type weakKeyError struct{ what string }

func (e *weakKeyError) Error() string { return e.what }

// maxRSABits is the largest RSA key accepted, as for SSH keys in golang.org/x/crypto/ssh
// (the largest ssh-keygen makes): it bounds the work of checking a signature.
const maxRSABits = 16384

// scanPublicKey refuses, before go-crypto checks the key's self-signatures, keys that
// pspm refuses anyway and whose signatures cost much to check: DSA keys (go-crypto
// v1.1.6 bounded neither p nor q and took more than two minutes over the self-signature
// of a crafted 45 KB key; v1.5.2 fails it in milliseconds, but with a message about the
// signature, not the key) and RSA keys over maxRSABits (RFC 9580, section 5.5.2).
func scanPublicKey(b []byte) error {
	var algo byte
	var material []byte
	switch {
	case len(b) >= 6 && b[0] == 4:
		algo, material = b[5], b[6:]
	case len(b) >= 10 && (b[0] == 5 || b[0] == 6):
		algo, material = b[5], b[10:]
	default:
		return nil // go-crypto refuses it
	}
	switch algo {
	case 17:
		return &weakKeyError{"a DSA key"}
	case 1, 2, 3:
		if len(material) >= 2 {
			if bits := binary.BigEndian.Uint16(material); bits > maxRSABits {
				return &weakKeyError{fmt.Sprintf("an RSA key of %d bits, more than the %d accepted", bits, maxRSABits)}
			}
		}
	}
	return nil
}

func containsByte(list []byte, b byte) bool {
	for _, x := range list {
		if x == b {
			return true
		}
	}
	return false
}
