// The event manager's resources as docs/openapi.yaml describes them.

export type Role = "viewer" | "operator" | "admin";
export type AlertType = "police" | "ambulance" | "fire_brigade";
export type AlertState = "pending" | "confirmed" | "rejected" | "resolved";
export type StreamState = "unknown" | "connecting" | "connected" | "reconnecting" | "stream_lost" | "disabled";
export type SourceKind = "rtsp" | "mjpeg" | "snapshot" | "file" | "v4l2";

export interface User {
  name: string;
  role: Role;
  disabled?: boolean;
  created_at?: string;
}

export interface Session {
  token: string;
  expires_at: string;
  user: User;
}

export interface Source {
  kind: SourceKind;
  url: string;
  rtsp_transport?: "tcp" | "udp";
  snapshot_interval_ms?: number;
  snapshot_min_hash_distance?: number;
}

export interface MotionSettings {
  detector?: "frame_diff" | "mog2";
  sensitivity?: number;
  min_area?: number;
  masks?: number[][][];
  zones?: { name?: string; area?: number[][] }[];
  stabilization_frames?: number;
  quiet_ms?: number;
  max_changed_share?: number;
  frame_publish_fps?: number;
}

export interface FrameSettings {
  fps?: number;
  width?: number;
  decode_mode?: "all" | "keyframes";
  frozen_after_ms?: number;
}

export interface CameraStatus {
  camera_id: string;
  state: StreamState;
  fps?: number;
  last_frame_time?: string | null;
  last_error?: string;
  reconnects?: number;
  instance?: string;
  updated_at?: string | null;
}

export interface Camera {
  id: string;
  name: string;
  enabled: boolean;
  analysis_stream: Source;
  recording_stream?: Source | null;
  latitude: number;
  longitude: number;
  frames?: FrameSettings;
  motion?: MotionSettings;
  analyses?: string[];
  has_credentials?: boolean;
  revision?: number;
  created_at?: string;
  updated_at?: string;
  status?: CameraStatus;
}

export interface CameraInput {
  id: string;
  name: string;
  enabled: boolean;
  analysis_stream: Source;
  recording_stream: Source | null;
  latitude: number;
  longitude: number;
  frames?: FrameSettings;
  motion?: MotionSettings;
  analyses: string[];
  credentials?: { username: string; password: string } | null;
}

export interface Analysis {
  name: string;
  type: AlertType;
  detector: string;
  labels: string[];
  min_score: number;
  positives_needed: number;
  window_ms: number;
  fps: number;
  perimeter_m: number;
  actions?: string[];
  revision?: number;
  cameras?: string[];
}

export interface Decision {
  state: AlertState;
  decided_by: string;
  decided_at: string;
  note?: string;
}

export interface Alert {
  id: string;
  camera_id: string;
  camera_name: string;
  analysis: string;
  type: AlertType;
  state: AlertState;
  latitude: number;
  longitude: number;
  perimeter_m: number;
  actions?: string[];
  label?: string;
  max_score?: number;
  positives?: number;
  first_seen: string;
  last_seen: string;
  evidence_url?: string | null;
  revision?: number;
  decisions?: Decision[];
}

export interface AlertPage {
  alerts: Alert[];
  next_cursor: string | null;
  total: number;
}

export interface FleetHealth {
  status: "ok" | "degraded" | "down";
  active_streams: number;
  total_cameras: number;
  last_detection: string | null;
}

// What the UI reads from /config.json; every field optional.
export interface UiConfig {
  // A raster tile server ("https://tiles.example/{z}/{x}/{y}.png"); empty: the
  // offline vector base layer only.
  tile_url?: string;
  tile_attribution?: string;
  tile_max_zoom?: number;
  // Where the map opens when there is no camera to frame.
  map_center?: [number, number];
  map_zoom?: number;
}

// One rectangle in the pixels of the frame it was found in.
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

// GET /api/cameras/{id}/overlay: the latest boxes the live view draws.
export interface Overlay {
  camera_id: string;
  frame: { sequence: number; width: number; height: number; capture_time: string } | null;
  motion: { capture_time: string; frame_width: number; frame_height: number; score: number; boxes: Box[] } | null;
  detections: {
    analysis: string;
    capture_time: string;
    frame_width: number;
    frame_height: number;
    objects: { label: string; score: number; box: Box }[];
  }[];
}

export type SocketMessage =
  | { kind: "alert"; alert: Alert }
  | { kind: "camera_status"; status: CameraStatus }
  | { kind: "error"; message: string };
