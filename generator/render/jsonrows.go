package render

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// votes.json is the largest file a build writes (76 MB at 100,000 votes), and
// json.Marshal of each row, by reflection, was most of the time a build after one vote
// spent on the open data. appendVoteJSON writes the row itself: the same bytes as
// json.Marshal (TestAppendVoteJSONIsJSONMarshal, FuzzAppendJSONString), at a fraction of
// its cost. A string that needs an escape is left to json.Marshal.

// appendJSONString appends s as json.Marshal writes it: as it is, quoted, when no byte of
// it needs an escape (printable ASCII but ", \, <, > and &, or valid UTF-8 other than
// U+2028 and U+2029); through json.Marshal otherwise.
func appendJSONString(b []byte, s string) []byte {
	high := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			high = true
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return appendMarshaled(b, s)
		}
	}
	if high && (!utf8.ValidString(s) || strings.Contains(s, "\u2028") || strings.Contains(s, "\u2029")) {
		return appendMarshaled(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendMarshaled appends json.Marshal(v), which cannot fail for the values given to it
// (strings and structs of strings).
func appendMarshaled(b []byte, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	return append(b, data...)
}

// appendJSONBool appends true or false.
func appendJSONBool(b []byte, v bool) []byte {
	return strconv.AppendBool(b, v)
}

// appendVoteJSON appends json.Marshal(v).
func appendVoteJSON(b []byte, v *voteJSON) []byte {
	b = append(b, `{"item":`...)
	b = appendJSONString(b, v.Item)
	b = append(b, `,"voter":`...)
	b = appendJSONString(b, v.Voter)
	b = append(b, `,"vote":`...)
	b = appendJSONString(b, v.Vote)
	b = append(b, `,"priority":`...)
	if v.Priority == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*v.Priority), 10)
	}
	b = append(b, `,"comment":`...)
	b = appendJSONString(b, v.Comment)
	b = append(b, `,"counted":`...)
	b = appendJSONBool(b, v.Counted)
	b = append(b, `,"reason":`...)
	b = appendJSONString(b, v.Reason)
	b = append(b, `,"commit":`...)
	b = appendJSONString(b, v.Commit)
	b = append(b, `,"author":`...)
	b = appendJSONString(b, v.Author)
	b = append(b, `,"landed":`...)
	b = appendJSONString(b, v.Landed)
	b = append(b, `,"verification":`...)
	b = appendJSONString(b, v.Verification)
	b = append(b, `,"file":`...)
	b = appendJSONString(b, v.File)
	b = append(b, `,"detail":`...)
	b = appendJSONString(b, v.Detail)
	b = append(b, `,"signer":`...)
	b = appendJSONString(b, v.Signer)
	b = append(b, `,"author_name":`...)
	b = appendJSONString(b, v.AuthorName)
	b = append(b, `,"landed_commit":`...)
	b = appendJSONString(b, v.LandedCommit)
	b = append(b, `,"merge_request":`...)
	b = appendJSONString(b, v.MergeRequest)
	b = append(b, `,"signature":`...)
	b = appendJSONString(b, v.Signature)
	b = append(b, `,"member":`...)
	b = appendJSONString(b, v.Member)
	b = append(b, `,"hidden":`...)
	b = appendJSONBool(b, v.Hidden)
	b = append(b, `,"moderation":`...)
	if v.Moderation == nil {
		b = append(b, "null"...)
	} else {
		b = appendMarshaled(b, v.Moderation)
	}
	return append(b, '}')
}
