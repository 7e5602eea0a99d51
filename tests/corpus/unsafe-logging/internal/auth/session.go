package auth

import (
	"log/slog"
	"time"

	"go.uber.org/zap"
)

type Session struct {
	ID        string
	UserID    string
	Token     string
	ExpiresAt time.Time
}

func Log(logger *zap.Logger, s Session) {
	logger.Info("session created", zap.String("user", s.UserID), zap.String("token", s.Token))
	logger.Info("session expiry", zap.Time("expires_at", s.ExpiresAt))
	logger.Debug("session", zap.Bool("has_token", s.Token != ""))
	slog.Info("refresh", "user", s.UserID, "token_type", "bearer")
	slog.Debug("refresh", "session_id", s.ID)
}

func Rotate(s *Session, next string) {
	slog.Info("rotating session token", "user", s.UserID)
	s.Token = next
	slog.Info("rotated", "user", s.UserID, "new_token_len", len(next))
}

func Each(fn func(string, string)) {
	for _, kv := range []string{"a=b"} {
		fn(kv, kv)
	}
}
