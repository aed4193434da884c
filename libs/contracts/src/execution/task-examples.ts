/** Ids shared by the execution events' examples, so the catalogue reads as one story. */
export const exampleTaskIds = {
  taskId: '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a',
  goalId: '5d1c7f9e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
  managerId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
};
