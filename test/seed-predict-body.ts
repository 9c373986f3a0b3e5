/** The seed's example `/predict` body (shared/seeds/000_bd9a660469cab5be.txt), for tests and the bench. */
export const SEED_PREDICT_BODY = {
  sample_id: 'user123',
  mean_dwell: 150.2,
  std_dwell: 50.3,
  mean_flight: 120.5,
  std_flight: 40.1,
  avg_mouse_speed: 2.5,
  tab_switch_count: 3,
  copy_events: 1,
  paste_events: 0,
  inactivity_time: 20,
};
