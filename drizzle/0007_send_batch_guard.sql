-- Group commit of sends (server/domain/messages/send-batch.ts) writes a whole batch in one statement. A plain
-- SQL statement cannot refuse itself half-way, so this guard lets it: called with false, it raises and the
-- statement (the batch) rolls back whole; the batch's sends are then committed one by one.
CREATE FUNCTION "switchboard"."send_batch_guard"(ok boolean) RETURNS boolean
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION 'send batch refused: a message was a duplicate or its conversation is not active'
      USING ERRCODE = 'SB001';
  END IF;
  RETURN ok;
END
$$;
