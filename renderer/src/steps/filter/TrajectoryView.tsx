// One trajectory, one turn at a time: the frame large, the prompt, the reply
// with its <think> and <action> parts marked, reward and validity.
import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { TrajectorySummary, TurnView } from '../../../../preload/contract';
import { studio } from '../../api/client';

const frameCache = new Map<number, string>();

function Frame({ id }: { id: number | null }) {
  const [src, setSrc] = useState<string | null>(id !== null ? (frameCache.get(id) ?? null) : null);
  useEffect(() => {
    if (id === null) return setSrc(null);
    const hit = frameCache.get(id);
    if (hit) return setSrc(hit);
    let live = true;
    void studio.call('review.frame', { id }).then((f) => {
      const url = `data:image/png;base64,${f.png}`;
      frameCache.set(id, url);
      if (live) setSrc(url);
    });
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <Box sx={{ width: 'min(320px, 100%)', aspectRatio: '1', flexShrink: 0, bgcolor: 'action.hover', borderRadius: 1, overflow: 'hidden', display: 'grid', placeItems: 'center' }}>
      {src ? (
        <img data-testid="review-frame" src={src} alt="Observation frame" style={{ width: '100%', height: '100%', imageRendering: 'pixelated' }} />
      ) : (
        <Typography variant="caption">no frame</Typography>
      )}
    </Box>
  );
}

/** The reply split into think / action / other text, so each can be coloured. */
function Reply({ text }: { text: string }) {
  const parts = text.split(/(<think>[\s\S]*?<\/think>|<action>[\s\S]*?<\/action>)/i).filter(Boolean);
  return (
    <Box
      component="pre"
      data-testid="review-reply"
      sx={{ m: 0, p: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontSize: 13, bgcolor: 'action.hover', borderRadius: 1, maxHeight: 220, overflow: 'auto' }}
    >
      {parts.map((p, i) => {
        const think = /^<think>/i.test(p);
        const action = /^<action>/i.test(p);
        return (
          <Box key={i} component="span" sx={{ color: think ? 'text.secondary' : action ? 'secondary.main' : 'error.main', fontWeight: action ? 700 : 400 }}>
            {p}
          </Box>
        );
      })}
    </Box>
  );
}

export function TrajectoryView({ t, turns, turn }: { t: TrajectorySummary; turns: TurnView[]; turn: number }) {
  const u = turns[turn];
  return (
    <Box data-testid="review-view" sx={{ display: 'flex', flexDirection: 'column', gap: 1, minWidth: 0 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="subtitle2" data-testid="review-turn-label">
          Turn {turn + 1} / {turns.length}
        </Typography>
        <Chip size="small" label={t.success ? 'won' : 'not won'} color={t.success ? 'success' : 'default'} />
        <Chip
          size="small"
          data-testid="review-rule-verdict"
          label={t.passes ? 'passes the rules' : `fails: ${t.failedRules.join('; ')}`}
          color={t.passes ? 'default' : 'warning'}
          variant="outlined"
          sx={{ maxWidth: '100%' }}
        />
        <Chip
          size="small"
          data-testid="review-decision"
          label={t.decision ? `${t.decision}ed` : 'no decision'}
          color={t.decision === 'accept' ? 'success' : t.decision === 'reject' ? 'error' : 'default'}
        />
        {t.note && (
          <Typography variant="caption" data-testid="review-note">
            note: {t.note}
          </Typography>
        )}
      </Box>
      {u ? (
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          <Frame id={u.frameId} />
          <Box sx={{ flex: '1 1 300px', minWidth: 0, display: 'flex', flexDirection: 'column', gap: 1 }}>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              <Chip size="small" label={`action: ${u.action ?? 'none'}`} />
              <Chip size="small" label={`reward ${u.reward.toFixed(1)}`} />
              <Chip size="small" label={u.formatValid ? 'format valid' : 'format invalid'} color={u.formatValid ? 'default' : 'warning'} />
              <Chip size="small" label={u.actionValid ? 'action valid' : 'action invalid'} color={u.actionValid ? 'default' : 'warning'} />
              {u.done && <Chip size="small" label={u.won ? 'solved' : 'episode over'} />}
            </Box>
            <Reply text={u.reply} />
            <Box component="details">
              <summary>Prompt the policy saw</summary>
              <Box component="pre" sx={{ whiteSpace: 'pre-wrap', fontSize: 12, m: 0 }}>
                {u.prompt}
              </Box>
            </Box>
            {u.textObs && (
              <Box component="pre" sx={{ fontSize: 12, m: 0 }}>
                {u.textObs}
              </Box>
            )}
          </Box>
        </Box>
      ) : (
        <Typography variant="body2">This trajectory has no turns.</Typography>
      )}
    </Box>
  );
}
